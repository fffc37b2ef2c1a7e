package app.certdoctor.app

import android.app.Activity
import android.content.ClipData
import android.content.Intent
import android.content.res.Configuration
import android.net.Uri
import android.os.Looper
import android.provider.OpenableColumns
import android.security.IKeyChainAliasCallback
import android.text.format.Formatter
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.TextView
import app.certdoctor.CertDoctor
import app.certdoctor.ffi.InputFile
import app.certdoctor.ffi.Report
import app.certdoctor.ffi.ReportFormat
import app.certdoctor.ffi.Verdict
import app.certdoctor.ffi.diagnose
import java.io.ByteArrayInputStream
import java.io.FileNotFoundException
import java.util.zip.ZipInputStream
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNotSame
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog

/**
 * The real screen on the real framework (Robolectric, API 35), the real Rust core through
 * JNA. The background thread is the test's ([SteppedApp]): each state in between is seen.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = SteppedApp::class)
class MainActivityTest {
    private val app get() = RuntimeEnvironment.getApplication() as SteppedApp
    private lateinit var files: FixtureProvider

    @Before
    fun setUp() {
        files = FixtureProvider.install()
    }

    private fun launch(intent: Intent? = null): ActivityController<MainActivity> =
        (if (intent == null) Robolectric.buildActivity(MainActivity::class.java) else Robolectric.buildActivity(MainActivity::class.java, intent))
            .setup()

    private fun send(uri: Uri) = Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_STREAM, uri)

    private fun sendMultiple(vararg uris: Uri) = Intent(Intent.ACTION_SEND_MULTIPLE).setType("text/plain")
        .putParcelableArrayListExtra(Intent.EXTRA_STREAM, ArrayList(uris.toList()))

    /** The screen after the check of the shared fixtures has run to its end. */
    private fun diagnosed(vararg names: String): ActivityController<MainActivity> {
        val uris = names.map { files.serve(fixture(it)) }
        val controller = launch(if (uris.size == 1) send(uris[0]) else sendMultiple(*uris.toTypedArray()))
        settle(app.steps)
        return controller
    }

    private fun Activity.text(id: Int): String = view<TextView>(id).text.toString()

    private fun Activity.shown(id: Int): Boolean = view<View>(id).visibility == View.VISIBLE

    private fun Activity.findingRows(): List<View> = view<LinearLayout>(R.id.findings).let { list ->
        (0 until list.childCount).map { list.getChildAt(it) }
    }

    private fun verdictWords(verdict: Verdict): String = app.getString(
        when (verdict) {
            Verdict.DELIVERED -> R.string.verdict_delivered
            Verdict.FAILED -> R.string.verdict_failed
            Verdict.ACTION_REQUIRED -> R.string.verdict_action_required
            Verdict.IN_PROGRESS -> R.string.verdict_in_progress
            Verdict.INCONCLUSIVE -> R.string.verdict_inconclusive
        },
    )

    /** The verdict card, summary, next action and findings are the core's [expected] answer. */
    private fun assertShows(activity: Activity, expected: Report) {
        assertTrue(activity.shown(R.id.verdict_card))
        assertEquals(verdictWords(expected.verdict), activity.text(R.id.verdict_words))
        assertEquals("Result: " + verdictWords(expected.verdict), activity.view<View>(R.id.verdict_card).contentDescription)
        assertEquals(expected.summary, activity.text(R.id.summary))
        assertEquals(expected.nextAction, activity.text(R.id.next_action))
        val rows = activity.findingRows()
        if (expected.findings.isEmpty()) {
            assertEquals(listOf("Nothing to report."), rows.map { (it as TextView).text.toString() })
        } else {
            assertEquals(expected.findings.map { it.title }, rows.map { it.view<TextView>(R.id.finding_title).text.toString() })
            assertEquals(expected.findings.map { it.remedy }, rows.map { it.view<TextView>(R.id.finding_remedy).text.toString() })
        }
        assertFalse(activity.shown(R.id.progress))
        assertTrue(activity.shown(R.id.share))
        assertTrue(activity.view<Button>(R.id.check).isEnabled)
    }

    /** Share report → the format → the chooser the app started. */
    private fun shareAs(activity: Activity, item: Int): Intent {
        activity.view<Button>(R.id.share).performClick()
        val dialog = ShadowAlertDialog.getLatestAlertDialog()
        assertEquals(
            listOf("Email (HTML)", "Chat message (text)", "Helpdesk bundle (zip)"),
            shadowOf(dialog).items.map { it.toString() },
        )
        shadowOf(dialog).clickOnItem(item)
        settle(app.steps)
        return shadowOf(activity).nextStartedActivity
    }

    private fun Intent.stream(): Uri = getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java)!!

    private fun Intent.target(): Intent = getParcelableExtra(Intent.EXTRA_INTENT, Intent::class.java)!!

    @Test
    fun launchShowsTheIdleScreen() {
        val activity = launch().get()
        assertEquals("Check certificates", activity.text(R.id.check))
        assertTrue(activity.view<Button>(R.id.check).isEnabled)
        assertTrue(activity.shown(R.id.intro) && activity.shown(R.id.add_files) && activity.shown(R.id.start_over))
        for (id in listOf(R.id.status, R.id.progress, R.id.verdict_card, R.id.summary, R.id.next_action_label,
            R.id.findings_label, R.id.problems_label, R.id.share)) {
            assertFalse(activity.resources.getResourceEntryName(id), activity.shown(id))
        }
        assertEquals(0, app.steps.pending)
        assertNull(shadowOf(activity).nextStartedActivity)
    }

    @Test
    fun checkCertificatesWithNoInputAsksKeyChainForTheClientCertificate() {
        val activity = launch().get()
        val check = activity.view<Button>(R.id.check)
        check.performClick()
        val chooser = shadowOf(activity).nextStartedActivity
        assertEquals("com.android.keychain.CHOOSER", chooser.action)
        assertEquals("com.android.keychain", chooser.`package`)
        assertNotNull(chooser.extras!!.getBinder("response"))
        shadowOf(Looper.getMainLooper()).idle()
        // Until the user answers: nothing is checked, and a second tap opens no second chooser.
        assertFalse(check.isEnabled)
        check.performClick()
        assertNull(shadowOf(activity).nextStartedActivity)
        assertEquals(0, app.steps.pending)
        assertFalse(activity.shown(R.id.verdict_card))
    }

    @Test
    fun noCertificatePickedInKeyChainIsCheckedAndGoesIntoTheHelpdeskBundle() {
        val activity = launch().get()
        activity.view<Button>(R.id.check).performClick()
        val chooser = shadowOf(activity).nextStartedActivity
        // The chooser's answer, as KeyChain gives it: through the binder in the intent.
        IKeyChainAliasCallback.Stub.asInterface(chooser.extras!!.getBinder("response")).alias(null)
        settle(app.steps)
        assertShows(activity, coreReport("en"))
        val notes = activity.text(R.id.device_notes)
        assertTrue(notes, notes.startsWith(app.getString(R.string.keychain_not_found)))
        // The host JVM has no AndroidCAStore: said on the screen, not thrown.
        assertTrue(notes, "certificate authorities on this phone could not be read" in notes)
        val bundle = shareAs(activity, 2).target()
        val entries = unzip(activity.contentResolver.openInputStream(bundle.stream())!!.use { it.readBytes() })
        assertTrue(entries.getValue("device-notes.txt"), "did not find a client certificate" in entries.getValue("device-notes.txt"))
    }

    @Test
    fun addFilesOpensTheDocumentPickerAndCountsWhatComesBack() {
        val activity = launch().get()
        activity.view<Button>(R.id.add_files).performClick()
        val picker = shadowOf(activity).nextStartedActivityForResult
        assertEquals(Intent.ACTION_OPEN_DOCUMENT, picker.intent.action)
        assertTrue(picker.intent.hasCategory(Intent.CATEGORY_OPENABLE))
        assertTrue(picker.intent.getBooleanExtra(Intent.EXTRA_ALLOW_MULTIPLE, false))
        val types = picker.intent.getStringArrayExtra(Intent.EXTRA_MIME_TYPES)!!.toList()
        assertTrue(types.toString(), types.containsAll(listOf("text/*", "application/zip", "application/pkix-cert")))
        val first = files.serve(fixture("omadm-success.log"))
        val second = files.serve(fixture("omadm-ndes-http-500.log"))
        val picked = Intent().apply { clipData = ClipData.newRawUri("", first).apply { addItem(ClipData.Item(second)) } }
        shadowOf(activity).receiveResult(picker.intent, Activity.RESULT_OK, picked)
        shadowOf(Looper.getMainLooper()).idle()
        assertEquals("2 files or certificates ready to check", activity.text(R.id.status))
        // Picked files wait for Check certificates.
        assertEquals(0, app.steps.pending)
    }

    @Test
    fun aSharedCompanyPortalLogShowsProgressThenTheCoresVerdict() {
        val log = fixture("omadm-pkistatus-failure.log")
        val activity = launch(send(files.serve(log))).get()
        // Shared files are checked at once: the progress shows while the check waits for its thread.
        assertTrue(activity.shown(R.id.progress))
        assertEquals("Reading the evidence…", activity.text(R.id.status))
        assertFalse(activity.view<Button>(R.id.check).isEnabled)
        assertFalse(activity.shown(R.id.verdict_card))
        assertEquals(1, app.steps.pending)
        app.steps.runNext()
        // The reads' progress reaches the main thread one message at a time.
        val progress = activity.view<ProgressBar>(R.id.progress)
        val seen = ArrayList<Pair<String, Int>>()
        val main = shadowOf(Looper.getMainLooper())
        while (!main.isIdle) {
            main.runOneTask()
            if (activity.shown(R.id.progress)) seen += activity.text(R.id.status) to progress.progress
        }
        val size = Formatter.formatShortFileSize(activity, log.length())
        assertEquals("Reading omadm-pkistatus-failure.log: $size of $size" to progress.max, seen.last())
        assertTrue(seen.toString(), seen.any { it.second < progress.max })
        val expected = coreReport("en", log)
        assertEquals(Verdict.FAILED, expected.verdict)
        assertTrue(expected.findings.any { it.id == "SCEP_REQUEST_REJECTED" })
        assertShows(activity, expected)
        val rows = activity.findingRows()
        val severity = rows[0].view<TextView>(R.id.finding_severity).text.toString()
        assertTrue(severity, severity in listOf("Problem", "To do", "Warning", "Information"))
        assertEquals(
            "$severity: ${expected.findings[0].title}. ${expected.findings[0].remedy}",
            rows[0].contentDescription,
        )
        assertFalse(activity.shown(R.id.problems_label))
    }

    @Test
    fun sendMultipleChecksEveryStreamTogether() {
        val success = fixture("omadm-success.log")
        val stuck = fixture("omadm-access-requested-stuck.log")
        val activity = diagnosed(success.name, stuck.name).get()
        val expected = coreReport("en", success, stuck)
        assertEquals(2, expected.inputs.size)
        assertShows(activity, expected)
        assertEquals(1, app.steps.ran)
    }

    @Test
    fun sharedTextIsCheckedLikeAFile() {
        val lines = fixture("omadm-install-requested-waiting.log").readText()
        val activity = launch(Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_TEXT, lines)).get()
        settle(app.steps)
        val expected = diagnose(listOf(InputFile("shared-text.log", lines.toByteArray())), CertDoctor.options())
        assertEquals(Verdict.ACTION_REQUIRED, expected.verdict)
        assertShows(activity, expected)
    }

    @Test
    fun aSecondShareWhileOpenIsCheckedWithTheFirst() {
        val first = fixture("omadm-ndes-http-500.log")
        val second = fixture("omadm-pkistatus-pending.log")
        val controller = diagnosed(first.name)
        controller.newIntent(send(files.serve(second)))
        settle(app.steps)
        assertShows(controller.get(), coreReport("en", first, second))
        assertEquals(2, app.steps.ran)
    }

    @Test
    fun shareReportAsTextHandsTheAppsOwnProviderUriToTheChooser() {
        val log = fixture("omadm-pkistatus-failure.log")
        val activity = diagnosed(log.name).get()
        val chooser = shareAs(activity, 1)
        assertEquals(Intent.ACTION_CHOOSER, chooser.action)
        assertEquals("Share report", chooser.getCharSequenceExtra(Intent.EXTRA_TITLE).toString())
        assertNotEquals(0, chooser.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION)
        val send = chooser.target()
        assertEquals(Intent.ACTION_SEND, send.action)
        assertEquals("text/plain", send.type)
        assertNotEquals(0, send.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION)
        val uri = send.stream()
        assertEquals("content://app.certdoctor.app.reports/certdoctor-report.txt", uri.toString())
        assertEquals(uri, chooser.clipData!!.getItemAt(0).uri)
        assertEquals("text/plain", activity.contentResolver.getType(uri))
        // The provider serves exactly the shared text: the core's rendering of this report.
        val served = activity.contentResolver.openInputStream(uri)!!.use { it.readBytes() }.toString(Charsets.UTF_8)
        assertEquals(send.getStringExtra(Intent.EXTRA_TEXT), served)
        val expected = coreReport("en", log)
        assertTrue(fold(served).contains(fold(expected.summary)))
        assertTrue(expected.findings.all { fold(served).contains(fold(it.title)) })
        // … and no other path of the app.
        for (other in listOf("../shared_prefs/prefs.xml", "..%2Fshared_prefs%2Fprefs.xml", "reports/certdoctor-report.txt")) {
            val refused = Uri.parse("content://app.certdoctor.app.reports/$other")
            assertThrows(other, FileNotFoundException::class.java) { activity.contentResolver.openInputStream(refused) }
        }
    }

    @Test
    fun shareReportAsHtmlAndAsTheHelpdeskBundle() {
        val log = fixture("omadm-ndes-http-500.log")
        val activity = diagnosed(log.name).get()
        val html = shareAs(activity, 0).target()
        val htmlFormat = ReportFormat.HTML in CertDoctor.formats()
        assertEquals(if (htmlFormat) "text/html" else "text/plain", html.type)
        val page = activity.contentResolver.openInputStream(html.stream())!!.use { it.readBytes() }
        if (htmlFormat) assertTrue(page.toString(Charsets.UTF_8).contains("<html"))
        activity.contentResolver.query(html.stream(), null, null, null, null)!!.use { c ->
            assertTrue(c.moveToFirst())
            val name = c.getString(c.getColumnIndexOrThrow(OpenableColumns.DISPLAY_NAME))
            assertEquals(if (htmlFormat) "certdoctor-report.html" else "certdoctor-report.txt", name)
            assertEquals(page.size.toLong(), c.getLong(c.getColumnIndexOrThrow(OpenableColumns.SIZE)))
        }
        val bundle = shareAs(activity, 2).target()
        assertEquals("application/zip", bundle.type)
        assertEquals("application/zip", activity.contentResolver.getType(bundle.stream()))
        val entries = unzip(activity.contentResolver.openInputStream(bundle.stream())!!.use { it.readBytes() })
        assertTrue(entries.keys.toString(), entries.keys.containsAll(listOf("report.txt", "report.json")))
        assertEquals(htmlFormat, "report.html" in entries)
        assertTrue(fold(entries.getValue("report.txt")).contains(fold(coreReport("en", log).summary)))
    }

    @Test
    fun rotationAndRecreationKeepTheResultWithoutASecondDiagnosis() {
        val controller = diagnosed("omadm-pkistatus-pending.log")
        val activity = controller.get()
        val verdict = activity.text(R.id.verdict_words)
        val summary = activity.text(R.id.summary)
        val findings = activity.findingRows().size
        assertEquals(1, app.steps.ran)
        // Rotation: the manifest handles it (configChanges), the same screen stays.
        controller.configurationChange(
            Configuration(activity.resources.configuration).apply { orientation = Configuration.ORIENTATION_LANDSCAPE },
        )
        assertSame(activity, controller.get())
        // A change the app does not handle (language, theme) recreates the screen.
        controller.recreate()
        val again = controller.get()
        assertNotSame(activity, again)
        settle(app.steps)
        assertEquals(1, app.steps.ran)
        assertEquals(verdict, again.text(R.id.verdict_words))
        assertEquals(summary, again.text(R.id.summary))
        assertEquals(findings, again.findingRows().size)
        assertTrue(again.shown(R.id.share))
    }

    @Test
    fun anUnreadableSharedFileIsNamedOnTheScreenNotACrash() {
        val activity = launch(send(files.refuse("OMADM.log"))).get()
        settle(app.steps)
        assertTrue(activity.shown(R.id.verdict_card))
        assertTrue(activity.shown(R.id.problems_label))
        assertEquals("Files that could not be used", activity.text(R.id.problems_label))
        val problems = activity.text(R.id.problems)
        assertTrue(problems, problems.startsWith("OMADM.log: "))
        assertTrue(problems, "no permission to read OMADM.log" in problems)
        assertTrue(silentViews(activity.window.decorView).toString(), silentViews(activity.window.decorView).isEmpty())
    }

    @Test
    fun aHugeFileIsNamedOnTheScreenNotACrash() {
        // A "certificate" of 17 MiB: past the core's 16 MiB cap for certificate files.
        val huge = scratch("huge-chain.pem")
        huge.bufferedWriter().use { out ->
            out.write("-----BEGIN CERTIFICATE-----\n")
            val line = "A".repeat(64) + "\n"
            repeat(17 * 1024 * 1024 / line.length + 1) { out.write(line) }
            out.write("-----END CERTIFICATE-----\n")
        }
        val activity = launch(send(files.serve(huge))).get()
        settle(app.steps)
        val problems = activity.text(R.id.problems)
        assertTrue(problems, problems.startsWith("huge-chain.pem: "))
        assertTrue(problems, "larger than 16 MiB" in problems)
        assertShows(activity, coreReport("en", huge))
    }

    @Test
    fun everyViewAScreenReaderReachesHasWords() {
        val log = fixture("omadm-access-requested-stuck.log")
        val controller = launch(send(files.serve(log)))
        val activity = controller.get()
        val root = activity.window.decorView
        assertTrue("collecting: " + silentViews(root), silentViews(root).isEmpty())
        assertTrue(activity.shown(R.id.progress))
        settle(app.steps)
        assertTrue(activity.findingRows().isNotEmpty())
        assertTrue("diagnosed: " + silentViews(root), silentViews(root).isEmpty())
        activity.view<Button>(R.id.start_over).performClick()
        shadowOf(Looper.getMainLooper()).idle()
        assertTrue("idle: " + silentViews(root), silentViews(root).isEmpty())
        // The check's own test: an unlabelled image would be reported.
        activity.view<View>(R.id.verdict_icon).importantForAccessibility = View.IMPORTANT_FOR_ACCESSIBILITY_YES
        activity.view<View>(R.id.verdict_card).visibility = View.VISIBLE
        assertEquals(listOf("ImageView verdict_icon"), silentViews(root))
    }

    @Test
    fun startOverForgetsTheResultAndTheFiles() {
        val activity = diagnosed("omadm-success.log").get()
        assertTrue(activity.shown(R.id.verdict_card))
        activity.view<Button>(R.id.start_over).performClick()
        shadowOf(Looper.getMainLooper()).idle()
        for (id in listOf(R.id.verdict_card, R.id.share, R.id.findings_label, R.id.status, R.id.summary)) {
            assertFalse(activity.resources.getResourceEntryName(id), activity.shown(id))
        }
        assertEquals(0, activity.findingRows().size)
    }

    private fun unzip(bytes: ByteArray): Map<String, String> {
        val entries = LinkedHashMap<String, String>()
        ZipInputStream(ByteArrayInputStream(bytes)).use { zip ->
            while (true) {
                val entry = zip.nextEntry ?: break
                entries[entry.name] = zip.readBytes().toString(Charsets.UTF_8)
            }
        }
        return entries
    }
}
