package app.certdoctor.app

import android.app.Activity
import android.app.AlertDialog
import android.content.Intent
import android.net.Uri
import android.os.Build
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.security.KeyChain
import android.text.format.Formatter
import android.view.View
import android.widget.Button
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
import app.certdoctor.ffi.Severity
import app.certdoctor.ffi.Verdict
import java.io.Closeable
import java.util.concurrent.Executor
import java.util.concurrent.Executors

/**
 * The one screen: Check certificates, the verdict card, the summary, the next action, the
 * findings and Share report. All state logic is in [CheckViewModel] (host-tested); this
 * class only collects device evidence and draws the state.
 */
class MainActivity : Activity() {
    private val main = Handler(Looper.getMainLooper())
    private val onMain = Executor { main.post(it) }
    private val io = Executors.newSingleThreadExecutor()
    private lateinit var model: CheckViewModel
    private var subscription: Closeable? = null
    private var deviceNote: String = ""

    private lateinit var check: Button
    private lateinit var status: TextView
    private lateinit var progress: ProgressBar
    private lateinit var card: LinearLayout
    private lateinit var verdictIcon: ImageView
    private lateinit var verdictWords: TextView
    private lateinit var summary: TextView
    private lateinit var nextActionLabel: TextView
    private lateinit var nextAction: TextView
    private lateinit var deviceNotes: TextView
    private lateinit var findingsLabel: TextView
    private lateinit var findings: LinearLayout
    private lateinit var share: Button

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        model = (lastNonConfigurationInstance as? CheckViewModel) ?: CheckViewModel(onMain) {
            // The report in the device's language when the core has it (zh-TW → zh-Hant).
            CertDoctor.options(lang = CheckViewModel.reportLanguage(resources.configuration.locales[0].toLanguageTag()))
        }

        check = findViewById(R.id.check)
        status = findViewById(R.id.status)
        progress = findViewById(R.id.progress)
        card = findViewById(R.id.verdict_card)
        verdictIcon = findViewById(R.id.verdict_icon)
        verdictWords = findViewById(R.id.verdict_words)
        summary = findViewById(R.id.summary)
        nextActionLabel = findViewById(R.id.next_action_label)
        nextAction = findViewById(R.id.next_action)
        deviceNotes = findViewById(R.id.device_notes)
        findingsLabel = findViewById(R.id.findings_label)
        findings = findViewById(R.id.findings)
        share = findViewById(R.id.share)

        check.setOnClickListener { collectDeviceEvidenceThenCheck() }
        findViewById<Button>(R.id.add_files).setOnClickListener { pickFiles() }
        share.setOnClickListener { chooseShareFormat() }
        findViewById<Button>(R.id.start_over).setOnClickListener {
            deviceNote = ""
            model.reset()
        }

        if (savedInstanceState == null) acceptSharedFiles(intent)
        subscription = model.observe(::draw)
    }

    override fun onRetainNonConfigurationInstance(): Any = model

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        setIntent(intent)
        acceptSharedFiles(intent)
    }

    override fun onDestroy() {
        subscription?.close()
        io.shutdown()
        super.onDestroy()
    }

    // --- Evidence ---------------------------------------------------------------------

    /**
     * The SCEP client certificate through the KeyChain chooser (the access grant Intune's
     * CERT_ACCESS_REQUESTED → CERT_ACCESS_GRANTED is about), then the CA store, then the check.
     */
    private fun collectDeviceEvidenceThenCheck() {
        check.isEnabled = false
        model.beginDeviceCollection()
        KeyChain.choosePrivateKeyAlias(this, { alias ->
            // Called on a binder thread: getCertificateChain blocks, which is fine here.
            io.execute {
                val note = if (alias == null) {
                    model.recordClientCertificateNotFound()
                    getString(R.string.keychain_not_found)
                } else {
                    try {
                        val chain = KeyChain.getCertificateChain(this, alias).orEmpty()
                        model.addClientCertificateChain(alias, chain.map { it.encoded })
                        getString(R.string.keychain_picked, alias)
                    } catch (e: Exception) {
                        getString(R.string.keychain_error, e.message ?: e.javaClass.simpleName)
                    }
                }
                val cas = model.addCaCertificates(KeyStoreCertificates.androidCaStore())
                val text = note + "\n" + getString(R.string.ca_count, cas.user, cas.system)
                main.post {
                    deviceNote = text
                    check.isEnabled = true
                    model.checkCertificates()
                }
            }
        }, null, null, null, null)
    }

    /** The system file picker: several files at once, logs, zips and certificates. */
    private fun pickFiles() {
        val intent = Intent(Intent.ACTION_OPEN_DOCUMENT).apply {
            addCategory(Intent.CATEGORY_OPENABLE)
            type = "*/*"
            putExtra(Intent.EXTRA_ALLOW_MULTIPLE, true)
            putExtra(Intent.EXTRA_MIME_TYPES, EVIDENCE_TYPES)
        }
        @Suppress("DEPRECATION") // startActivityForResult: no AndroidX Activity Result API here
        startActivityForResult(intent, PICK_FILES)
    }

    @Deprecated("Framework Activity result callback")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        @Suppress("DEPRECATION")
        super.onActivityResult(requestCode, resultCode, data)
        if (requestCode != PICK_FILES || resultCode != RESULT_OK || data == null) return
        val uris = buildList {
            data.clipData?.let { clip -> for (i in 0 until clip.itemCount) add(clip.getItemAt(i).uri) }
            if (isEmpty()) data.data?.let(this::add)
        }
        model.addFiles(uris.map { Documents.evidence(contentResolver, it) })
    }

    /** ACTION_SEND / SEND_MULTIPLE: Company Portal's saved logs shared into the app. */
    private fun acceptSharedFiles(intent: Intent?) {
        val uris: List<Uri> = when (intent?.action) {
            Intent.ACTION_SEND -> listOfNotNull(intent.streamExtra())
            Intent.ACTION_SEND_MULTIPLE -> intent.streamListExtra()
            else -> emptyList()
        }
        if (uris.isNotEmpty()) model.addFiles(uris.map { Documents.evidence(contentResolver, it) })
        val text = intent?.takeIf { it.action == Intent.ACTION_SEND && uris.isEmpty() }?.getStringExtra(Intent.EXTRA_TEXT)
        if (!text.isNullOrEmpty()) model.addFiles(listOf(Documents.sharedText(text)))
    }

    @Suppress("DEPRECATION")
    private fun Intent.streamExtra(): Uri? =
        if (Build.VERSION.SDK_INT >= 33) getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java)
        else getParcelableExtra(Intent.EXTRA_STREAM)

    @Suppress("DEPRECATION")
    private fun Intent.streamListExtra(): List<Uri> =
        (if (Build.VERSION.SDK_INT >= 33) getParcelableArrayListExtra(Intent.EXTRA_STREAM, Uri::class.java)
        else getParcelableArrayListExtra(Intent.EXTRA_STREAM)).orEmpty()

    // --- Sharing ----------------------------------------------------------------------

    private fun chooseShareFormat() {
        val formats = model.shareFormats()
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
        model.share(format) { result ->
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
        val busy = state is CheckState.Collecting
        check.isEnabled = !busy
        progress.visibility = if (busy) View.VISIBLE else View.GONE
        val diagnosed = state as? CheckState.Diagnosed
        card.visibility = if (diagnosed != null || state is CheckState.Failed) View.VISIBLE else View.GONE
        share.visibility = if (diagnosed != null) View.VISIBLE else View.GONE
        nextActionLabel.visibility = if (diagnosed != null) View.VISIBLE else View.GONE
        findingsLabel.visibility = if (diagnosed != null) View.VISIBLE else View.GONE
        deviceNotes.text = if (diagnosed != null) deviceNote else ""
        findings.removeAllViews()
        when (state) {
            is CheckState.Idle -> {
                status.text = if (state.evidenceCount > 0) getString(R.string.evidence_count, state.evidenceCount) else ""
                summary.text = ""
                nextAction.text = ""
            }
            is CheckState.Collecting -> drawProgress(state)
            is CheckState.Diagnosed -> {
                status.text = ""
                drawVerdict(state.verdict)
                summary.text = state.summary
                nextAction.text = state.nextAction
                if (state.findings.isEmpty()) findings.addView(TextView(this).apply { setText(R.string.no_findings) })
                for (finding in state.findings) {
                    val row = layoutInflater.inflate(R.layout.item_finding, findings, false)
                    val severity = getString(severityWords(finding.severity)) +
                        if (finding.resolved) " (" + getString(R.string.severity_resolved) + ")" else ""
                    row.findViewById<TextView>(R.id.finding_severity).text = severity
                    row.findViewById<TextView>(R.id.finding_title).text = finding.title
                    row.findViewById<TextView>(R.id.finding_remedy).text = finding.remedy
                    row.contentDescription = getString(R.string.finding_description, severity, finding.title, finding.remedy)
                    findings.addView(row)
                }
            }
            is CheckState.Failed -> {
                status.text = ""
                card.setBackgroundColor(getColor(R.color.verdict_failed))
                verdictIcon.setImageResource(R.drawable.ic_verdict_failed)
                verdictWords.text = getString(R.string.error_title)
                card.contentDescription = getString(R.string.error_title) + ". " + state.message
                summary.text = state.message
                nextAction.text = ""
            }
        }
    }

    private fun drawProgress(state: CheckState.Collecting) {
        val read = Formatter.formatShortFileSize(this, state.bytesRead)
        val name = state.currentInput.orEmpty()
        status.text = when {
            state.currentInput == null -> getString(R.string.collecting)
            state.totalBytes != null ->
                getString(R.string.collecting_progress, name, read, Formatter.formatShortFileSize(this, state.totalBytes!!))
            else -> getString(R.string.collecting_progress_unknown, name, read)
        }
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

    private companion object {
        const val PICK_FILES = 1
        val EVIDENCE_TYPES = arrayOf(
            "text/*",
            "application/zip",
            "application/x-x509-ca-cert",
            "application/pkix-cert",
            "application/x-pem-file",
            "application/x-pkcs12",
            "application/octet-stream",
        )
    }
}
