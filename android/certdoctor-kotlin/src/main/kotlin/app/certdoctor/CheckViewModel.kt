package app.certdoctor

import app.certdoctor.ffi.DiagnoseOptions
import app.certdoctor.ffi.FindingEntry
import app.certdoctor.ffi.InputFile
import app.certdoctor.ffi.ProbeInput
import app.certdoctor.ffi.Report
import app.certdoctor.ffi.ReportFormat
import app.certdoctor.ffi.Verdict
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.Closeable
import java.io.FilterInputStream
import java.io.InputStream
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.Executor
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicLong
import java.util.zip.ZipEntry
import java.util.zip.ZipOutputStream

/** What the "Check certificates" screen shows. */
sealed class CheckState {
    /** Nothing checked yet (or reset). [evidenceCount] inputs are waiting. */
    data class Idle(val evidenceCount: Int) : CheckState()

    /** Reading the evidence: [bytesRead] of [totalBytes] (null when a size is unknown). */
    data class Collecting(val bytesRead: Long, val totalBytes: Long?, val currentInput: String?) : CheckState() {
        /** 0..1, or null when the total is unknown. */
        val fraction: Float?
            get() = totalBytes?.takeIf { it > 0 }?.let { (bytesRead.toFloat() / it).coerceIn(0f, 1f) }
    }

    /** The core's answer. The screen shows the fields as they are: the words are the core's. */
    data class Diagnosed(val report: Report, val notes: List<String>) : CheckState() {
        val verdict: Verdict get() = report.verdict
        val summary: String get() = report.summary
        val nextAction: String get() = report.nextAction
        val findings: List<FindingEntry> get() = report.findings
    }

    /** "Test the SCEP server" is asking [url] (GetCACaps, GetCACert) from this device. */
    data class Probing(val url: String) : CheckState()

    /** The check could not run; [message] is readable as is. */
    data class Failed(val message: String) : CheckState()
}

/** One piece of evidence: a picked or shared file, a certificate from a store. */
class Evidence(val name: String, val sizeBytes: Long?, val open: () -> InputStream) {
    companion object {
        fun of(file: InputFile): Evidence = Evidence(file.name, file.bytes.size.toLong()) { ByteArrayInputStream(file.bytes) }
    }
}

/** The three ways of sharing a report the screen offers. */
enum class ShareFormat(val mimeType: String, val fileName: String) {
    /** For mail: the core's HTML rendering. */
    HTML("text/html", "certdoctor-report.html"),

    /** For chat: the core's text rendering. */
    TEXT("text/plain", "certdoctor-report.txt"),

    /** For the helpdesk: a zip of the renders (and the app's notes). */
    BUNDLE("application/zip", "certdoctor-report.zip"),
}

/**
 * What to hand to the share sheet. [mimeType]/[fileName] may differ from [requested]'s when
 * this build of the core cannot render HTML: then the text rendering is shared instead and
 * [fellBack] is true.
 */
class SharePayload(
    val requested: ShareFormat,
    val mimeType: String,
    val fileName: String,
    val bytes: ByteArray,
    val fellBack: Boolean,
) {
    /** The payload as text (for EXTRA_TEXT), null for the zip. */
    val text: String? get() = if (mimeType.startsWith("text/")) bytes.toString(Charsets.UTF_8) else null
}

/**
 * The state of the "Check certificates" screen, host-tested: no `android.*`, no coroutines,
 * no AndroidX. Work runs on [worker]; listeners are called on [deliver] (the main thread on
 * Android, e.g. `context.mainExecutor`). A result that arrives after [reset] or after a newer
 * [checkCertificates] is dropped.
 */
class CheckViewModel(
    private val deliver: Executor,
    private val worker: Executor = defaultWorker,
    private val options: () -> DiagnoseOptions = { CertDoctor.options() },
) {
    private val lock = Any()
    private val evidence = ArrayList<Evidence>()
    private val deviceEvidence = ArrayList<Evidence>()
    private val notes = ArrayList<String>()
    private val listeners = CopyOnWriteArrayList<(CheckState) -> Unit>()
    private val generation = AtomicLong()

    @Volatile
    var state: CheckState = CheckState.Idle(0)
        private set

    /**
     * Calls [listener] on [deliver] with the state as it is then, and with every change; close
     * to stop. The first call reads the state when it runs, not when [observe] was called:
     * changes already queued on [deliver] (a check started just before, as when files are
     * shared into the app) run first, and an older state must not be drawn over them.
     */
    fun observe(listener: (CheckState) -> Unit): Closeable {
        listeners += listener
        deliver.execute { if (listener in listeners) listener(state) }
        return Closeable { listeners -= listener }
    }

    /** Files the user picked (ACTION_OPEN_DOCUMENT) or shared into the app (ACTION_SEND…). */
    fun addFiles(files: List<Evidence>) {
        synchronized(lock) { evidence += files }
        idleIfNotBusy()
    }

    /**
     * Forgets what the app collected from the device itself (CA store, KeyChain chain and
     * notes) before collecting it again; picked and shared files stay.
     */
    fun beginDeviceCollection() {
        synchronized(lock) {
            deviceEvidence.clear()
            notes.clear()
        }
        idleIfNotBusy()
    }

    private fun addDeviceEvidence(items: List<Evidence>) {
        synchronized(lock) { deviceEvidence += items }
        idleIfNotBusy()
    }

    /** The CA certificates of a store (e.g. `KeyStoreCertificates.androidCaStore()`). */
    fun addCaCertificates(store: KeyStoreCertificates, includeSystem: Boolean = true): CaCount {
        val all = store.collect()
        val chosen = if (includeSystem) all else all.filter { it.origin == CertificateOrigin.USER }
        addDeviceEvidence(store.asInputFiles(chosen).map(Evidence::of))
        return CaCount(system = all.count { it.origin == CertificateOrigin.SYSTEM }, user = all.count { it.origin == CertificateOrigin.USER })
    }

    /** The chain KeyChain gave for the alias the user chose (leaf first), as DER. */
    fun addClientCertificateChain(alias: String, chainDer: List<ByteArray>) {
        val safe = alias.replace(Regex("[^A-Za-z0-9._-]"), "_")
        addDeviceEvidence(chainDer.mapIndexed { i, der -> Evidence.of(InputFile("KeyChain/$safe/$i.der", der)) })
        note("KeyChain: the user chose the certificate \"$alias\" (${chainDer.size} in its chain).")
    }

    /** The user did not find the SCEP certificate in the KeyChain chooser: evidence too. */
    fun recordClientCertificateNotFound() {
        note("KeyChain: the user did not find a client certificate in the chooser.")
    }

    private fun note(text: String) {
        synchronized(lock) { notes += text }
        idleIfNotBusy()
    }

    /** Runs the diagnosis over every piece of evidence added so far. */
    fun checkCertificates() {
        val id = generation.incrementAndGet()
        val inputs: List<Evidence>
        val notesNow: List<String>
        synchronized(lock) {
            inputs = evidence + deviceEvidence
            notesNow = notes.toList()
        }
        val total = if (inputs.all { it.sizeBytes != null }) inputs.sumOf { it.sizeBytes ?: 0L } else null
        publish(id, CheckState.Collecting(0, total, null))
        worker.execute {
            val read = AtomicLong()
            val result = runCatching {
                val streams = inputs.map { input ->
                    StreamInput(input.name) {
                        publish(id, CheckState.Collecting(read.get(), total, input.name))
                        Counting(input.open()) { n ->
                            publish(id, CheckState.Collecting(read.addAndGet(n), total, input.name))
                        }
                    }
                }
                CertDoctor.diagnoseStreamsBlocking(streams, options())
            }
            publish(
                id,
                result.fold(
                    onSuccess = { CheckState.Diagnosed(it, notesNow) },
                    onFailure = { CheckState.Failed(it.message ?: it.javaClass.simpleName) },
                ),
            )
        }
    }

    /**
     * The SCEP URL the evidence names (the device's latest request), read on the worker, for
     * "Test the SCEP server" to offer; [done] gets it on [deliver], or null when none is named.
     */
    fun findScepUrl(done: (String?) -> Unit) {
        val inputs = synchronized(lock) { evidence + deviceEvidence }
        worker.execute {
            val url = runCatching { ScepProbe.urlFromEvidence(inputs.map { StreamInput(it.name, it.open) }, options()) }
                .getOrNull()
            deliver.execute { done(url) }
        }
    }

    /**
     * "Test the SCEP server": the read-only requests to [url] from this device ([prober]: the
     * platform's transport, [ScepProbe.collect], unless a test passes its own), then
     * one report of the evidence added so far and the probe (its findings on step 2, the CA
     * and RA certificates it was given). A URL the core refuses, or a probe that cannot run,
     * ends in [CheckState.Failed] with the reason.
     */
    fun testScepServer(url: String, prober: (String) -> ProbeInput = { ScepProbe().collect(it) }) {
        val id = generation.incrementAndGet()
        val inputs: List<Evidence>
        val notesNow: List<String>
        synchronized(lock) {
            inputs = evidence + deviceEvidence
            notesNow = notes.toList()
        }
        publish(id, CheckState.Probing(url))
        worker.execute {
            val result = runCatching {
                val probe = prober(url)
                ScepProbe.diagnoseWithProbe(inputs.map { StreamInput(it.name, it.open) }, probe, options())
            }
            publish(
                id,
                result.fold(
                    onSuccess = { CheckState.Diagnosed(it, notesNow) },
                    onFailure = { CheckState.Failed(it.message ?: it.javaClass.simpleName) },
                ),
            )
        }
    }

    /** Forgets the evidence and any result; a check still running is ignored when it ends. */
    fun reset() {
        val id = generation.incrementAndGet()
        synchronized(lock) {
            evidence.clear()
            deviceEvidence.clear()
            notes.clear()
        }
        publish(id, CheckState.Idle(0))
    }

    /** The share formats to offer, in the order the screen lists them. */
    fun shareFormats(): List<ShareFormat> = ShareFormat.entries.toList()

    /**
     * Renders the diagnosed report for [format] on the worker and calls [done] on [deliver].
     * Fails (with a readable message) when nothing has been diagnosed yet.
     */
    fun share(format: ShareFormat, done: (Result<SharePayload>) -> Unit) {
        val diagnosed = state as? CheckState.Diagnosed
        if (diagnosed == null) {
            deliver.execute { done(Result.failure(IllegalStateException("Check certificates first: there is no report to share yet."))) }
            return
        }
        worker.execute {
            val result = runCatching { payload(diagnosed, format) }
            deliver.execute { done(result) }
        }
    }

    /** The blocking form of [share], for callers already on a worker thread. */
    fun payload(diagnosed: CheckState.Diagnosed, format: ShareFormat): SharePayload {
        val report = diagnosed.report
        val html = ReportFormat.HTML in CertDoctor.formats()
        fun render(f: ReportFormat) = app.certdoctor.ffi.render(report, f, report.lang)
        return when (format) {
            ShareFormat.TEXT -> SharePayload(format, format.mimeType, format.fileName, render(ReportFormat.TEXT).toByteArray(), false)
            ShareFormat.HTML ->
                if (html) {
                    SharePayload(format, format.mimeType, format.fileName, render(ReportFormat.HTML).toByteArray(), false)
                } else {
                    SharePayload(format, ShareFormat.TEXT.mimeType, ShareFormat.TEXT.fileName, render(ReportFormat.TEXT).toByteArray(), true)
                }
            ShareFormat.BUNDLE -> {
                val entries = LinkedHashMap<String, String>()
                if (html) entries["report.html"] = render(ReportFormat.HTML)
                entries["report.txt"] = render(ReportFormat.TEXT)
                entries["report.json"] = render(ReportFormat.JSON)
                if (diagnosed.notes.isNotEmpty()) entries["device-notes.txt"] = diagnosed.notes.joinToString("\n", postfix = "\n")
                SharePayload(format, format.mimeType, format.fileName, zip(entries), false)
            }
        }
    }

    private fun idleIfNotBusy() {
        val current = state
        if (current is CheckState.Idle) {
            val count = synchronized(lock) { evidence.size + deviceEvidence.size }
            publish(generation.get(), CheckState.Idle(count))
        }
    }

    private fun publish(id: Long, next: CheckState) {
        deliver.execute {
            if (id != generation.get()) return@execute
            state = next
            for (listener in listeners) listener(next)
        }
    }

    private class Counting(stream: InputStream, private val onRead: (Long) -> Unit) : FilterInputStream(stream) {
        override fun read(): Int = super.read().also { if (it >= 0) onRead(1) }

        override fun read(b: ByteArray, off: Int, len: Int): Int =
            super.read(b, off, len).also { if (it > 0) onRead(it.toLong()) }
    }

    companion object {
        /**
         * The report language for a device locale (BCP 47, e.g. `zh-TW`, `zh-Hant-HK`, `en-GB`)
         * among the core's [supported] tags: Traditional Chinese scripts and regions map to
         * `zh-Hant`; otherwise an exact or language-only match; else `en`.
         */
        fun reportLanguage(localeTag: String, supported: List<String> = CertDoctor.languages()): String {
            val parts = localeTag.replace('_', '-').split('-').filter { it.isNotEmpty() }
            val language = parts.firstOrNull()?.lowercase() ?: return "en"
            val traditional = language == "zh" &&
                parts.drop(1).any { it.equals("Hant", true) || it.uppercase() in setOf("TW", "HK", "MO") }
            val wanted = buildList {
                if (traditional) add("zh-Hant")
                add(parts.joinToString("-"))
                add(language)
            }
            return wanted.firstNotNullOfOrNull { w -> supported.firstOrNull { it.equals(w, ignoreCase = true) } } ?: "en"
        }

        private val defaultWorker: Executor = Executors.newSingleThreadExecutor { r ->
            Thread(r, "certdoctor-check").apply { isDaemon = true }
        }

        private fun zip(entries: Map<String, String>): ByteArray {
            val out = ByteArrayOutputStream()
            ZipOutputStream(out).use { zip ->
                for ((name, text) in entries) {
                    zip.putNextEntry(ZipEntry(name))
                    zip.write(text.toByteArray())
                    zip.closeEntry()
                }
            }
            return out.toByteArray()
        }
    }
}

/** How many CAs of each origin a store held. */
data class CaCount(val system: Int, val user: Int)
