package app.certdoctor

import app.certdoctor.ffi.DiagnoseOptions
import app.certdoctor.ffi.DiagnosisSession
import app.certdoctor.ffi.InputFile
import app.certdoctor.ffi.Report
import app.certdoctor.ffi.ReportFormat
import java.io.IOException
import java.io.InputStream
import java.util.concurrent.Executor
import java.util.concurrent.Executors
import java.util.concurrent.ThreadFactory
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlin.coroutines.suspendCoroutine

/**
 * The API the app calls. Every function that does work is a `suspend` function that runs
 * on certdoctor's own worker threads, never on the caller's (main) thread. Errors arrive as
 * [app.certdoctor.ffi.CertdoctorException] with a message per case.
 */
object CertDoctor {
    /** Size of the chunks [diagnoseStreams] reads and hands to the core. */
    const val CHUNK_BYTES: Int = 256 * 1024

    private val workers: Executor = Executors.newFixedThreadPool(
        Runtime.getRuntime().availableProcessors().coerceIn(1, 4),
        object : ThreadFactory {
            private val count = AtomicInteger()

            override fun newThread(r: Runnable): Thread =
                Thread(r, "certdoctor-${count.incrementAndGet()}").apply { isDaemon = true }
        },
    )

    /** Options with the contract's defaults: redacted, English, evaluated at the device clock. */
    fun options(
        redact: Boolean = true,
        lang: String = "en",
        nowUnixSeconds: Long? = null,
        nowRfc3339: String? = null,
    ): DiagnoseOptions = DiagnoseOptions(nowUnixSeconds, nowRfc3339, redact, lang)

    /** Diagnoses files the user picked or shared (held in memory). */
    suspend fun diagnose(files: List<InputFile>, options: DiagnoseOptions = options()): Report =
        offMain { app.certdoctor.ffi.diagnose(files, options) }

    /** Diagnoses inputs read from streams in [CHUNK_BYTES] chunks: a large log is never held whole. */
    suspend fun diagnoseStreams(inputs: List<StreamInput>, options: DiagnoseOptions = options()): Report =
        offMain { diagnoseStreamsBlocking(inputs, options) }

    /**
     * The blocking form of [diagnoseStreams], for callers already on a worker thread. An
     * input whose stream fails ([IOException]) keeps what was read and is marked with the
     * read error; one that cannot be opened at all is an input in error with that message.
     */
    fun diagnoseStreamsBlocking(inputs: List<StreamInput>, options: DiagnoseOptions): Report =
        DiagnosisSession(options).use { session ->
            for (input in inputs) {
                session.beginInput(input.name).use { sink ->
                    try {
                        input.open().use { stream -> pump(stream) { chunk -> sink.push(chunk) } }
                    } catch (e: IOException) {
                        sink.readFailed("read error: ${e.message ?: e.javaClass.simpleName}")
                    }
                    sink.finishInput()
                }
            }
            session.finish()
        }

    /** Lays [report] out for sharing; [lang] defaults to the report's language. */
    suspend fun render(report: Report, format: ReportFormat, lang: String = report.lang): String =
        offMain { app.certdoctor.ffi.render(report, format, lang) }

    /** Formats this build of the core can render. */
    fun formats(): List<ReportFormat> = app.certdoctor.ffi.supportedFormats()

    /** Language tags this build of the core knows. */
    fun languages(): List<String> = app.certdoctor.ffi.supportedLanguages()

    /** Version of the Rust core. */
    fun version(): String = app.certdoctor.ffi.version()

    private inline fun pump(stream: InputStream, push: (ByteArray) -> Unit) {
        val buffer = ByteArray(CHUNK_BYTES)
        while (true) {
            val n = stream.read(buffer)
            if (n < 0) break
            if (n > 0) push(if (n == buffer.size) buffer else buffer.copyOf(n))
        }
    }

    private suspend fun <T> offMain(work: () -> T): T = suspendCoroutine { continuation ->
        workers.execute {
            val result = runCatching(work)
            result.fold(
                onSuccess = { continuation.resume(it) },
                onFailure = { continuation.resumeWithException(it) },
            )
        }
    }
}

/** An input opened on demand, e.g. a `content://` URI through `ContentResolver.openInputStream`. */
class StreamInput(val name: String, val open: () -> InputStream)
