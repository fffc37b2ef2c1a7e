package app.certdoctor.app

import android.app.Activity
import android.app.AlertDialog
import android.content.ActivityNotFoundException
import android.content.Context
import android.content.Intent
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.security.KeyChain
import android.text.InputType
import android.text.format.Formatter
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.ImageView
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.TextView
import android.widget.Toast
import app.certdoctor.CertDoctor
import app.certdoctor.CheckState
import app.certdoctor.CheckViewModel
import app.certdoctor.KeyStoreCertificates
import app.certdoctor.ShareFormat
import app.certdoctor.ffi.InputStatus
import app.certdoctor.ffi.Severity
import app.certdoctor.ffi.Verdict
import java.io.Closeable
import java.util.concurrent.Executor

/**
 * The one screen: Check certificates, Test the SCEP server, the verdict card, the summary,
 * the next action, the findings, the files that could not be used, and Share report. All state logic is in
 * [CheckViewModel] (host-tested); this class only collects device evidence and draws the state.
 */
class MainActivity : Activity() {
    /** What outlives a recreation of this Activity (a language or theme change). */
    private class Screen(val model: CheckViewModel) {
        /** What the last device collection found (KeyChain answer, CA counts), in the UI's words. */
        var deviceNote: String = ""

        /** From the KeyChain chooser's opening until its answer has been collected. */
        var awaitingDevice: Boolean = false
    }

    private val main = Handler(Looper.getMainLooper())
    private lateinit var screen: Screen
    private var subscription: Closeable? = null

    private lateinit var check: Button
    private lateinit var testServer: Button
    private lateinit var status: TextView
    private lateinit var progress: ProgressBar
    private lateinit var card: LinearLayout
    private lateinit var verdictIcon: ImageView
    private lateinit var verdictWords: TextView
    private lateinit var summary: TextView
    private lateinit var nextActionLabel: TextView
    private lateinit var nextAction: TextView
    private lateinit var deviceNotes: TextView
    private lateinit var problemsLabel: TextView
    private lateinit var problems: TextView
    private lateinit var findingsLabel: TextView
    private lateinit var findings: LinearLayout
    private lateinit var share: Button

    private val background: Executor get() = (application as CertDoctorApp).background

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        val retained = lastNonConfigurationInstance as? Screen
        screen = retained ?: Screen(newModel(applicationContext, background))

        check = need(R.id.check)
        testServer = need(R.id.test_server)
        status = need(R.id.status)
        progress = need(R.id.progress)
        card = need(R.id.verdict_card)
        verdictIcon = need(R.id.verdict_icon)
        verdictWords = need(R.id.verdict_words)
        summary = need(R.id.summary)
        nextActionLabel = need(R.id.next_action_label)
        nextAction = need(R.id.next_action)
        deviceNotes = need(R.id.device_notes)
        problemsLabel = need(R.id.problems_label)
        problems = need(R.id.problems)
        findingsLabel = need(R.id.findings_label)
        findings = need(R.id.findings)
        share = need(R.id.share)

        check.setOnClickListener { collectDeviceEvidenceThenCheck() }
        need<Button>(R.id.add_files).setOnClickListener { pickFiles() }
        testServer.setOnClickListener { askScepUrlThenTest() }
        share.setOnClickListener { chooseShareFormat() }
        need<Button>(R.id.start_over).setOnClickListener {
            screen.deviceNote = ""
            screen.model.reset()
        }

        // A recreated screen has its model, and that model already took this intent's files;
        // only a new model (first start, or after the process was ended) reads them.
        if (retained == null) acceptSharedFiles(intent)
        subscription = screen.model.observe(::draw)
    }

    override fun onRetainNonConfigurationInstance(): Any = screen

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        acceptSharedFiles(intent)
    }

    override fun onDestroy() {
        subscription?.close()
        super.onDestroy()
    }

    // --- Evidence ---------------------------------------------------------------------

    /**
     * The SCEP client certificate through the KeyChain chooser (the access grant Intune's
     * CERT_ACCESS_REQUESTED → CERT_ACCESS_GRANTED is about), then the CA store, then the check.
     */
    private fun collectDeviceEvidenceThenCheck() {
        val screen = screen
        if (screen.awaitingDevice) return
        screen.awaitingDevice = true
        check.isEnabled = false
        screen.model.beginDeviceCollection()
        // Neither callback holds this Activity: the answer may come after a recreation.
        val app = applicationContext
        val background = background
        val main = main
        val answered = { alias: String? ->
            background.execute {
                val note = collectDevice(app, screen.model, alias)
                main.post {
                    screen.deviceNote = note
                    screen.awaitingDevice = false
                    screen.model.checkCertificates()
                }
            }
        }
        try {
            // Answered on a binder thread, with null when the user picks none or backs out.
            KeyChain.choosePrivateKeyAlias(this, { alias -> answered(alias) }, null, null, null, null)
        } catch (e: ActivityNotFoundException) {
            answered(null)
        }
    }

    /** The system file picker: several files at once, logs, zips and certificates. */
    private fun pickFiles() {
        val intent = Intent(Intent.ACTION_OPEN_DOCUMENT).apply {
            addCategory(Intent.CATEGORY_OPENABLE)
            type = "*/*"
            putExtra(Intent.EXTRA_ALLOW_MULTIPLE, true)
            putExtra(Intent.EXTRA_MIME_TYPES, EVIDENCE_TYPES)
        }
        try {
            startActivityForResult(intent, PICK_FILES)
        } catch (e: ActivityNotFoundException) {
            Toast.makeText(this, R.string.no_file_picker, Toast.LENGTH_LONG).show()
        }
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        if (requestCode != PICK_FILES || resultCode != RESULT_OK || data == null) return
        val uris = buildList {
            data.clipData?.let { clip -> for (i in 0 until clip.itemCount) clip.getItemAt(i).uri?.let(this::add) }
            if (isEmpty()) data.data?.let(this::add)
        }
        screen.model.addFiles(uris.map { Documents.evidence(contentResolver, it) })
    }

    /**
     * ACTION_SEND / SEND_MULTIPLE: Company Portal's saved logs shared into the app. The check
     * runs at once over them (and whatever was added before); Check certificates adds the
     * device's own certificates and checks again.
     */
    private fun acceptSharedFiles(intent: Intent?) {
        val uris: List<Uri> = when (intent?.action) {
            Intent.ACTION_SEND -> listOfNotNull(intent.streamExtra())
            Intent.ACTION_SEND_MULTIPLE -> intent.streamListExtra()
            else -> emptyList()
        }
        val text = intent?.takeIf { it.action == Intent.ACTION_SEND && uris.isEmpty() }?.getStringExtra(Intent.EXTRA_TEXT)
        val shared = uris.map { Documents.evidence(contentResolver, it) } +
            listOfNotNull(text?.takeIf { it.isNotEmpty() }?.let(Documents::sharedText))
        if (shared.isEmpty()) return
        screen.model.addFiles(shared)
        screen.model.checkCertificates()
    }

    @Suppress("DEPRECATION")
    private fun Intent.streamExtra(): Uri? =
        if (Build.VERSION.SDK_INT >= 33) getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java)
        else getParcelableExtra(Intent.EXTRA_STREAM)

    @Suppress("DEPRECATION")
    private fun Intent.streamListExtra(): List<Uri> =
        (if (Build.VERSION.SDK_INT >= 33) getParcelableArrayListExtra(Intent.EXTRA_STREAM, Uri::class.java)
        else getParcelableArrayListExtra(Intent.EXTRA_STREAM)).orEmpty().filterNotNull()

    // --- Test the SCEP server ------------------------------------------------------

    /**
     * Offers the SCEP URL the evidence names (editable; empty when none is named), then
     * asks that server GetCACaps and GetCACert from this phone's network; the answer joins
     * the report.
     */
    private fun askScepUrlThenTest() {
        testServer.isEnabled = false
        screen.model.findScepUrl { found ->
            if (isDestroyed) return@findScepUrl
            testServer.isEnabled = true
            val field = EditText(this).apply {
                inputType = InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI
                setHint(R.string.probe_url_hint)
                contentDescription = getString(R.string.probe_url_title)
                setText(found.orEmpty())
            }
            AlertDialog.Builder(this)
                .setTitle(R.string.probe_url_title)
                .setMessage(if (found == null) R.string.probe_url_not_found else R.string.probe_url_found)
                .setView(field)
                .setPositiveButton(R.string.probe_start) { _, _ ->
                    val url = field.text.toString().trim()
                    if (url.isEmpty()) {
                        Toast.makeText(this, R.string.probe_url_missing, Toast.LENGTH_LONG).show()
                    } else {
                        screen.model.testScepServer(url)
                    }
                }
                .setNegativeButton(R.string.probe_cancel, null)
                .show()
        }
    }

    // --- Sharing ----------------------------------------------------------------------

    private fun chooseShareFormat() {
        val formats = screen.model.shareFormats()
        val labels = formats.map {
            getString(
                when (it) {
                    ShareFormat.HTML -> R.string.share_html
                    ShareFormat.TEXT -> R.string.share_text
                    ShareFormat.BUNDLE -> R.string.share_bundle
                },
            )
        }
        AlertDialog.Builder(this)
            .setTitle(R.string.share_choose)
            .setItems(labels.toTypedArray()) { _, which -> shareAs(formats[which]) }
            .show()
    }

    private fun shareAs(format: ShareFormat) {
        screen.model.share(format) { result ->
            // Rendered on the background thread: this screen may be gone by now.
            if (isDestroyed) return@share
            result.fold(
                onSuccess = { payload ->
                    if (payload.fellBack) Toast.makeText(this, R.string.share_html_unavailable, Toast.LENGTH_LONG).show()
                    val send = ReportSharing.intent(this, payload, getString(R.string.share_subject))
                    startActivity(Intent.createChooser(send, getString(R.string.share_report)))
                },
                onFailure = { e ->
                    Toast.makeText(this, getString(R.string.share_failed, e.message ?: ""), Toast.LENGTH_LONG).show()
                },
            )
        }
    }

    // --- Drawing ----------------------------------------------------------------------

    private fun draw(state: CheckState) {
        val busy = state is CheckState.Collecting || state is CheckState.Probing
        check.isEnabled = !busy && !screen.awaitingDevice
        testServer.isEnabled = !busy
        progress.visibility = if (busy) View.VISIBLE else View.GONE
        val diagnosed = state as? CheckState.Diagnosed
        card.visibility = if (diagnosed != null || state is CheckState.Failed) View.VISIBLE else View.GONE
        share.visibility = if (diagnosed != null) View.VISIBLE else View.GONE
        nextActionLabel.visibility = if (diagnosed != null) View.VISIBLE else View.GONE
        findingsLabel.visibility = if (diagnosed != null) View.VISIBLE else View.GONE
        deviceNotes.show(if (diagnosed != null) screen.deviceNote else "")
        findings.removeAllViews()
        val unusable = diagnosed?.report?.inputs.orEmpty()
            .filter { it.status != InputStatus.OK }
            .map { getString(R.string.problem_line, it.path, it.error ?: getString(R.string.problem_not_used)) }
        problemsLabel.visibility = if (unusable.isNotEmpty()) View.VISIBLE else View.GONE
        problems.show(unusable.joinToString("\n"))
        when (state) {
            is CheckState.Idle -> {
                status.show(
                    if (state.evidenceCount > 0) {
                        resources.getQuantityString(R.plurals.evidence_count, state.evidenceCount, state.evidenceCount)
                    } else {
                        ""
                    },
                )
                summary.show("")
                nextAction.show("")
            }
            is CheckState.Collecting -> {
                drawProgress(state)
                summary.show("")
                nextAction.show("")
            }
            is CheckState.Probing -> {
                status.show(getString(R.string.probing, state.url))
                progress.isIndeterminate = true
                summary.show("")
                nextAction.show("")
            }
            is CheckState.Diagnosed -> {
                status.show("")
                drawVerdict(state.verdict)
                summary.show(state.summary)
                nextAction.show(state.nextAction)
                if (state.findings.isEmpty()) findings.addView(TextView(this).apply { setText(R.string.no_findings) })
                for (finding in state.findings) {
                    val row = layoutInflater.inflate(R.layout.item_finding, findings, false)
                    val severity = getString(severityWords(finding.severity)) +
                        if (finding.resolved) " (" + getString(R.string.severity_resolved) + ")" else ""
                    row.need<TextView>(R.id.finding_severity).text = severity
                    row.need<TextView>(R.id.finding_title).text = finding.title
                    row.need<TextView>(R.id.finding_remedy).text = finding.remedy
                    row.contentDescription = getString(R.string.finding_description, severity, finding.title, finding.remedy)
                    findings.addView(row)
                }
            }
            is CheckState.Failed -> {
                status.show("")
                card.setBackgroundColor(getColor(R.color.verdict_failed))
                verdictIcon.setImageResource(R.drawable.ic_verdict_failed)
                verdictWords.text = getString(R.string.error_title)
                card.contentDescription = getString(R.string.error_title) + ". " + state.message
                summary.show(state.message)
                nextAction.show("")
            }
        }
    }

    private fun drawProgress(state: CheckState.Collecting) {
        val read = Formatter.formatShortFileSize(this, state.bytesRead)
        val name = state.currentInput.orEmpty()
        val total = state.totalBytes
        status.show(
            when {
                state.currentInput == null -> getString(R.string.collecting)
                total != null -> getString(R.string.collecting_progress, name, read, Formatter.formatShortFileSize(this, total))
                else -> getString(R.string.collecting_progress_unknown, name, read)
            },
        )
        val fraction = state.fraction
        progress.isIndeterminate = fraction == null
        if (fraction != null) progress.progress = (fraction * progress.max).toInt()
    }

    private fun drawVerdict(verdict: Verdict) {
        val (words, colour, icon) = when (verdict) {
            Verdict.DELIVERED -> Triple(R.string.verdict_delivered, R.color.verdict_ok, R.drawable.ic_verdict_delivered)
            Verdict.FAILED -> Triple(R.string.verdict_failed, R.color.verdict_failed, R.drawable.ic_verdict_failed)
            Verdict.ACTION_REQUIRED -> Triple(R.string.verdict_action_required, R.color.verdict_action, R.drawable.ic_verdict_action)
            Verdict.IN_PROGRESS -> Triple(R.string.verdict_in_progress, R.color.verdict_progress, R.drawable.ic_verdict_in_progress)
            Verdict.INCONCLUSIVE -> Triple(R.string.verdict_inconclusive, R.color.verdict_unknown, R.drawable.ic_verdict_inconclusive)
        }
        card.setBackgroundColor(getColor(colour))
        verdictIcon.setImageResource(icon)
        verdictWords.setText(words)
        card.contentDescription = getString(R.string.verdict_description, getString(words))
    }

    private fun severityWords(severity: Severity): Int = when (severity) {
        Severity.ERROR -> R.string.severity_error
        Severity.ACTION -> R.string.severity_action
        Severity.WARNING -> R.string.severity_warning
        Severity.INFO -> R.string.severity_info
    }

    /** A view of the layout (findViewById is @Nullable in the framework). */
    private fun <T : View> need(id: Int): T =
        findViewById<T>(id) ?: error("no view ${resources.getResourceEntryName(id)} in the layout")

    private fun <T : View> View.need(id: Int): T =
        findViewById<T>(id) ?: error("no view ${resources.getResourceEntryName(id)} in ${javaClass.simpleName}")

    /** Sets the text and hides the view while it is empty (nothing for a screen reader to stop on). */
    private fun TextView.show(value: CharSequence) {
        text = value
        visibility = if (value.isEmpty()) View.GONE else View.VISIBLE
    }

    private companion object {
        const val PICK_FILES = 1
        /** What the picker offers: logs, certificates, and the archives they come in. */
        val EVIDENCE_TYPES = arrayOf(
            "text/*",
            "application/zip",
            "application/x-zip-compressed",
            "application/gzip",
            "application/x-gzip",
            "application/x-tar",
            "application/x-gtar",
            "application/x-compressed-tar",
            "application/x-x509-ca-cert",
            "application/pkix-cert",
            "application/x-pem-file",
            "application/x-pkcs12",
            "application/octet-stream",
        )

        /**
         * The screen's model. It is kept across recreations, so it holds the application
         * context only (never an Activity): results are posted to the main thread, the report
         * language follows the app's current locale (zh-TW → zh-Hant when the core has it).
         */
        fun newModel(app: Context, background: Executor): CheckViewModel {
            val main = Handler(Looper.getMainLooper())
            return CheckViewModel({ main.post(it) }, background) {
                CertDoctor.options(lang = CheckViewModel.reportLanguage(app.resources.configuration.locales[0].toLanguageTag()))
            }
        }

        /**
         * On the background thread: the chain of the certificate the user chose in KeyChain
         * (getCertificateChain blocks) and the CA store, as evidence; returns what the screen
         * says about them. A store or chain that cannot be read is said, not thrown.
         */
        fun collectDevice(app: Context, model: CheckViewModel, alias: String?): String {
            val chosen = if (alias == null) {
                model.recordClientCertificateNotFound()
                app.getString(R.string.keychain_not_found)
            } else {
                try {
                    val chain = KeyChain.getCertificateChain(app, alias).orEmpty()
                    model.addClientCertificateChain(alias, chain.map { it.encoded })
                    app.getString(R.string.keychain_picked, alias)
                } catch (e: InterruptedException) {
                    Thread.currentThread().interrupt()
                    app.getString(R.string.keychain_error, e.message ?: e.javaClass.simpleName)
                } catch (e: Exception) {
                    app.getString(R.string.keychain_error, e.message ?: e.javaClass.simpleName)
                }
            }
            val cas = try {
                val count = model.addCaCertificates(KeyStoreCertificates.androidCaStore())
                app.getString(R.string.ca_count, count.user, count.system)
            } catch (e: Exception) {
                app.getString(R.string.ca_store_error, e.message ?: e.javaClass.simpleName)
            }
            return chosen + "\n" + cas
        }
    }
}
