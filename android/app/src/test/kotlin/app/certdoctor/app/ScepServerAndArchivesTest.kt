package app.certdoctor.app

import android.app.AlertDialog
import android.content.Intent
import android.net.Uri
import android.os.Looper
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import app.certdoctor.CertDoctor
import app.certdoctor.ScepProbe
import app.certdoctor.StreamInput
import app.certdoctor.ffi.Verdict
import java.io.FileOutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.util.zip.GZIPOutputStream
import java.util.zip.ZipEntry
import java.util.zip.ZipOutputStream
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog

/**
 * "Test the SCEP server" on the real screen (the request goes to a closed port on
 * 127.0.0.1: no server, no network beyond loopback), and Company Portal logs shared as
 * archives, as mail and chat apps pass them on.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = SteppedApp::class)
class ScepServerAndArchivesTest {
    private val app get() = RuntimeEnvironment.getApplication() as SteppedApp
    private lateinit var files: FixtureProvider

    @Before
    fun setUp() {
        files = FixtureProvider.install()
    }

    private fun shared(uri: Uri) =
        Robolectric.buildActivity(MainActivity::class.java, Intent(Intent.ACTION_SEND).setType("*/*").putExtra(Intent.EXTRA_STREAM, uri))
            .setup()
            .get()
            .also { settle(app.steps) }

    private fun MainActivity.text(id: Int): String = view<TextView>(id).text.toString()

    private fun MainActivity.shown(id: Int): Boolean = view<View>(id).visibility == View.VISIBLE

    private fun editTextIn(root: View): EditText? = when (root) {
        is EditText -> root
        is ViewGroup -> (0 until root.childCount).firstNotNullOfOrNull { editTextIn(root.getChildAt(it)) }
        else -> null
    }

    @Test
    fun testTheScepServerOffersTheEvidencesUrlAndShowsTheServersAnswer() {
        val log = fixture("omadm-ndes-http-500.log")
        val activity = shared(files.serve(log))
        assertEquals(app.getString(R.string.verdict_failed), activity.text(R.id.verdict_words))
        val button = activity.view<Button>(R.id.test_server)
        assertTrue(activity.shown(R.id.test_server) && button.isEnabled)

        button.performClick()
        // The URL is read from the evidence on the background thread.
        assertFalse(button.isEnabled)
        settle(app.steps)
        val dialog = ShadowAlertDialog.getLatestAlertDialog() as AlertDialog
        assertTrue(dialog.isShowing)
        val field = checkNotNull(editTextIn(dialog.window!!.decorView)) { "no address field in the dialog" }
        assertEquals("https://scep.litware-example.org/certsrv/mscep/mscep.dll", field.text.toString())
        assertEquals(app.getString(R.string.probe_url_title), field.contentDescription)

        // The helpdesk's address instead: a loopback port nobody listens on.
        val port = ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")).use { it.localPort }
        val url = "http://127.0.0.1:$port/certsrv/mscep/mscep.dll"
        field.setText(url)
        dialog.getButton(AlertDialog.BUTTON_POSITIVE).performClick()
        shadowOf(Looper.getMainLooper()).idle()
        assertEquals("Testing $url from this phone…", activity.text(R.id.status))
        assertTrue(activity.shown(R.id.progress))
        assertFalse(activity.view<Button>(R.id.check).isEnabled)
        assertFalse(button.isEnabled)
        assertEquals(1, app.steps.pending)

        settle(app.steps)
        assertFalse(activity.shown(R.id.progress))
        assertTrue(button.isEnabled)
        assertEquals(app.getString(R.string.verdict_failed), activity.text(R.id.verdict_words))
        // What the screen shows is the core's report of the log and the probe together.
        val expected = ScepProbe.diagnoseWithProbe(
            listOf(StreamInput(log.name) { log.inputStream() }),
            ScepProbe(timeoutMillis = 5_000).collect(url),
            CertDoctor.options(lang = "en"),
        )
        assertEquals("connect", expected.probe?.requests?.first()?.failure)
        assertEquals(expected.summary, activity.text(R.id.summary))
        val rows = activity.view<ViewGroup>(R.id.findings)
        val titles = (0 until rows.childCount).map { rows.getChildAt(it).view<TextView>(R.id.finding_title).text.toString() }
        assertEquals(expected.findings.map { it.title }, titles)
        assertTrue(activity.shown(R.id.share))
    }

    @Test
    fun noUrlInTheEvidenceAsksForOneAndAnEmptyAnswerStartsNothing() {
        val activity = shared(files.serve(fixture("omadm-success.log")))
        activity.view<Button>(R.id.test_server).performClick()
        settle(app.steps)
        val dialog = ShadowAlertDialog.getLatestAlertDialog() as AlertDialog
        val field = checkNotNull(editTextIn(dialog.window!!.decorView))
        assertEquals("", field.text.toString())
        assertEquals(app.getString(R.string.probe_url_hint), field.hint.toString())
        dialog.getButton(AlertDialog.BUTTON_POSITIVE).performClick()
        shadowOf(Looper.getMainLooper()).idle()
        assertEquals(0, app.steps.pending)
        assertEquals(app.getString(R.string.verdict_delivered), activity.text(R.id.verdict_words))
    }

    @Test
    fun companyPortalLogsSharedAsZipOrGzipGiveTheLooseLogsVerdict() {
        val log = fixture("omadm-pkistatus-failure.log")
        val loose = coreReport("en", log)
        assertEquals(Verdict.FAILED, loose.verdict)

        val gz = scratch("OMADM.log.gz")
        GZIPOutputStream(FileOutputStream(gz)).use { it.write(log.readBytes()) }
        val zip = scratch("CompanyPortalLogs.zip")
        ZipOutputStream(FileOutputStream(zip)).use { out ->
            out.putNextEntry(ZipEntry("Logs/OMADM.log"))
            out.write(log.readBytes())
            out.closeEntry()
        }
        for (archive in listOf(gz, zip)) {
            val activity = shared(files.serve(archive))
            assertEquals(archive.name, app.getString(R.string.verdict_failed), activity.text(R.id.verdict_words))
            assertEquals(loose.summary, activity.text(R.id.summary))
            assertFalse("archive ${archive.name}: " + activity.text(R.id.problems), activity.shown(R.id.problems_label))
        }
    }

    @Test
    fun thePickerOffersTheArchivesLogsComeIn() {
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        activity.view<Button>(R.id.add_files).performClick()
        val types = shadowOf(activity).nextStartedActivityForResult.intent.getStringArrayExtra(Intent.EXTRA_MIME_TYPES)!!.toList()
        assertTrue(types.toString(), types.containsAll(listOf("application/zip", "application/gzip", "application/x-tar", "application/octet-stream")))
    }
}
