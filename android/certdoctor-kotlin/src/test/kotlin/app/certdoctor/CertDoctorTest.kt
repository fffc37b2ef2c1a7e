package app.certdoctor

import app.certdoctor.ffi.CertdoctorException
import app.certdoctor.ffi.DiagnosisSession
import app.certdoctor.ffi.InputFile
import app.certdoctor.ffi.InputKind
import app.certdoctor.ffi.InputStatus
import app.certdoctor.ffi.Platform
import app.certdoctor.ffi.Report
import app.certdoctor.ffi.ReportFormat
import app.certdoctor.ffi.Severity
import app.certdoctor.ffi.Verdict
import java.io.ByteArrayInputStream
import java.io.File
import java.io.FileNotFoundException
import java.io.IOException
import java.io.InputStream
import java.io.SequenceInputStream
import java.util.Collections
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** The Kotlin API against the host build of the Rust library, through the generated bindings. */
class CertDoctorTest {
    private val fixtures = File(System.getProperty("certdoctor.fixtures") ?: "tests/fixtures/android")

    private fun sample(name: String): InputFile {
        val file = File(fixtures, name)
        assertTrue("missing fixture $file (merge main, or set CERTDOCTOR_ANDROID_FIXTURES)", file.isFile)
        return InputFile(name, file.readBytes())
    }

    // 2026-06-01T00:00:00Z: fixed, so every run gives the same report.
    private val fixed = CertDoctor.options(nowUnixSeconds = 1_780_272_000L)

    private fun ids(report: Report): List<String> = report.findings.map { it.id }

    @Test
    fun deliveredCaseFromTheAndroidSuccessSample() {
        val report = blocking { CertDoctor.diagnose(listOf(sample("omadm-success.log")), fixed) }
        assertEquals(Verdict.DELIVERED, report.verdict)
        assertEquals(listOf(Platform.ANDROID), report.platforms)
        assertEquals(InputKind.ANDROID_OMADM_LOG, report.inputs.single().kind)
        assertEquals(InputStatus.OK, report.inputs.single().status)
        assertTrue(report.findings.none { it.severity == Severity.ERROR && !it.resolved })
        assertEquals(CertDoctor.version(), report.tool.version)
        assertEquals("2026-06-01T00:00:00Z", report.generatedAt)
    }

    @Test
    fun failedCaseFromTheNdesHttp500Sample() {
        val report = blocking { CertDoctor.diagnose(listOf(sample("omadm-ndes-http-500.log")), fixed) }
        assertEquals(Verdict.FAILED, report.verdict)
        assertTrue(ids(report).toString(), "SCEP_SERVER_UNREACHABLE" in ids(report))
        val finding = report.findings.first { it.id == "SCEP_SERVER_UNREACHABLE" }
        assertEquals(Severity.ERROR, finding.severity)
        assertTrue(finding.evidence.isNotEmpty())
        assertTrue(finding.title.isNotBlank() && finding.remedy.isNotBlank())
    }

    @Test
    fun badInputIsListedAsIgnoredOrErrorNeverThrown() {
        val noise = InputFile("noise.bin", ByteArray(4096) { (it * 31 + 7).toByte() })
        val brokenPem = InputFile("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n".toByteArray())
        val empty = InputFile("empty.txt", ByteArray(0))
        val report = blocking { CertDoctor.diagnose(listOf(noise, brokenPem, empty), fixed) }
        val byPath = report.inputs.associateBy { it.path }
        assertEquals(InputStatus.IGNORED, byPath.getValue("noise.bin").status)
        assertEquals(InputKind.UNKNOWN, byPath.getValue("noise.bin").kind)
        assertEquals(InputStatus.ERROR, byPath.getValue("broken.pem").status)
        assertTrue(byPath.getValue("broken.pem").error!!.isNotBlank())
        assertNotEquals(Verdict.DELIVERED, report.verdict)
    }

    @Test
    fun aServerLogIsRecognisedAndLeftToTheCli() {
        // The apps' library is built without the server-log parsers (a phone holds none):
        // such a log is still recognised, and listed as ignored with the reason.
        val file = File(fixtures.parentFile, "server/iis-w3c-android-success.log")
        assertTrue("missing fixture $file", file.isFile)
        val report = blocking { CertDoctor.diagnose(listOf(InputFile(file.name, file.readBytes())), fixed) }
        val input = report.inputs.single()
        assertEquals(InputKind.IIS_W3C_LOG, input.kind)
        assertEquals(InputStatus.IGNORED, input.status)
        assertTrue(input.error, input.error!!.contains("certdoctor CLI"))
    }

    @Test
    fun invalidOptionsThrowWithAClearMessage() {
        val both = CertDoctor.options(nowUnixSeconds = 0L, nowRfc3339 = "2026-06-01T00:00:00Z")
        try {
            blocking { CertDoctor.diagnose(emptyList(), both) }
            fail("expected InvalidOption")
        } catch (e: CertdoctorException.InvalidOption) {
            assertTrue(e.message, e.message!!.contains("not both"))
        }
        try {
            blocking { CertDoctor.diagnose(emptyList(), CertDoctor.options(nowRfc3339 = "yesterday")) }
            fail("expected InvalidOption")
        } catch (e: CertdoctorException.InvalidOption) {
            assertTrue(e.message, e.message!!.contains("RFC 3339"))
        }
        try {
            blocking { CertDoctor.diagnose(emptyList(), CertDoctor.options(lang = "tlh")) }
            fail("expected UnsupportedLang")
        } catch (e: CertdoctorException.UnsupportedLang) {
            assertTrue(e.message, e.message!!.contains("en"))
        }
    }

    @Test
    fun aLargeLogIsStreamedInChunks() {
        val sampleBytes = sample("omadm-success.log").bytes
        val noiseLines = 25L * 1024 * 1024 / NoiseLog.LINE.size // 25 MiB on each side
        var opened = ""
        val input = StreamInput("big/OMADM.log") {
            opened = Thread.currentThread().name
            SequenceInputStream(
                Collections.enumeration(listOf(NoiseLog(noiseLines), ByteArrayInputStream(sampleBytes + "\n".toByteArray()), NoiseLog(noiseLines))),
            )
        }
        val report = blocking { CertDoctor.diagnoseStreams(listOf(input), fixed) }
        assertTrue("streams are read on a certdoctor worker, not $opened", opened.startsWith("certdoctor-"))
        assertEquals(Verdict.DELIVERED, report.verdict)
        val entry = report.inputs.single()
        assertEquals(InputKind.ANDROID_OMADM_LOG, entry.kind)
        assertTrue("records: ${entry.records}", entry.records > 300_000uL)
    }

    @Test
    fun streamingInTinyChunksGivesTheSameReportAsInMemory() {
        val file = sample("omadm-ndes-http-500.log")
        val inMemory = blocking { CertDoctor.diagnose(listOf(file), fixed) }
        val streamed = DiagnosisSession(fixed).use { session ->
            session.beginInput(file.name).use { sink ->
                file.bytes.toList().chunked(7).forEach { sink.push(it.toByteArray()) }
                sink.finishInput()
            }
            session.finish()
        }
        assertEquals(inMemory, streamed)
    }

    @Test
    fun aReadErrorKeepsWhatWasReadAndMarksTheInput() {
        val bytes = sample("omadm-ndes-http-500.log").bytes
        val failing = object : InputStream() {
            private var i = 0

            override fun read(): Int = if (i < bytes.size) bytes[i++].toInt() and 0xff else throw IOException("card removed")
        }
        // Not redacted: the check is on the message as written.
        val plain = CertDoctor.options(redact = false, nowUnixSeconds = 1_780_272_000L)
        val report = blocking { CertDoctor.diagnoseStreams(listOf(StreamInput("OMADM.log") { failing }), plain) }
        val entry = report.inputs.single()
        assertEquals(InputStatus.ERROR, entry.status)
        assertTrue(entry.error!!, entry.error!!.contains("card removed"))
        assertTrue("SCEP_SERVER_UNREACHABLE" in ids(report))
    }

    @Test
    fun anInputThatCannotBeOpenedIsAReadErrorNotAnEmptyFile() {
        val plain = CertDoctor.options(redact = false, nowUnixSeconds = 1_780_272_000L)
        val good = sample("omadm-ndes-http-500.log")
        val report = blocking {
            CertDoctor.diagnoseStreams(
                listOf(
                    StreamInput("gone/OMADM.log") { throw FileNotFoundException("permission revoked") },
                    StreamInput(good.name) { ByteArrayInputStream(good.bytes) },
                    StreamInput("empty.log") { ByteArrayInputStream(ByteArray(0)) },
                ),
                plain,
            )
        }
        val (gone, read, empty) = report.inputs
        assertEquals("gone/OMADM.log", gone.path)
        assertEquals(InputStatus.ERROR, gone.status)
        assertEquals("read error: permission revoked", gone.error)
        assertEquals(InputStatus.OK, read.status)
        // A file that opens and is empty stays what the core says it is.
        assertEquals("empty.log", empty.path)
        assertEquals("the file is empty", empty.error)
        assertTrue("SCEP_SERVER_UNREACHABLE" in ids(report))
    }

    @Test
    fun concurrentCallsFromSeveralThreads() {
        val success = sample("omadm-success.log")
        val failure = sample("omadm-ndes-http-500.log")
        val pool = Executors.newFixedThreadPool(6)
        try {
            val jobs = (0 until 24).map { i ->
                pool.submit(Callable {
                    val delivered = i % 2 == 0
                    val report = blocking { CertDoctor.diagnose(listOf(if (delivered) success else failure), fixed) }
                    assertEquals(if (delivered) Verdict.DELIVERED else Verdict.FAILED, report.verdict)
                })
            }
            jobs.forEach { it.get(300, TimeUnit.SECONDS) }
            // One session shared by several threads: every input arrives exactly once.
            DiagnosisSession(fixed).use { session ->
                (0 until 12).map { i ->
                    pool.submit(Callable { session.addFile(InputFile("log-$i.log", success.bytes)) })
                }.forEach { it.get(300, TimeUnit.SECONDS) }
                val report = session.finish()
                assertEquals((0 until 12).map { "log-$it.log" }.toSet(), report.inputs.map { it.path }.toSet())
            }
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun redactionOnAndOff() {
        val file = sample("omadm-ndes-http-500.log")
        val redacted = blocking { CertDoctor.diagnose(listOf(file), fixed) }
        val plain = blocking { CertDoctor.diagnose(listOf(file), CertDoctor.options(redact = false, nowUnixSeconds = 1_780_272_000L)) }
        assertTrue(redacted.redaction.applied)
        assertFalse(plain.redaction.applied)
        val host = "scep.litware-example.org"
        assertFalse(blocking { CertDoctor.render(redacted, ReportFormat.JSON) }.contains(host))
        assertTrue(blocking { CertDoctor.render(plain, ReportFormat.JSON) }.contains(host))
    }

    @Test
    fun renderInEveryFormat() {
        val report = blocking { CertDoctor.diagnose(listOf(sample("omadm-ndes-http-500.log")), fixed) }
        assertTrue(CertDoctor.formats().containsAll(listOf(ReportFormat.TEXT, ReportFormat.MARKDOWN, ReportFormat.JSON)))
        for (format in ReportFormat.entries) {
            if (format in CertDoctor.formats()) {
                val out = blocking { CertDoctor.render(report, format) }
                assertTrue("$format", out.contains("SCEP_SERVER_UNREACHABLE"))
                if (format == ReportFormat.JSON) assertTrue(out, out.contains("\"verdict\": \"failed\""))
            } else {
                try {
                    blocking { CertDoctor.render(report, format) }
                    fail("$format is not in formats() but rendered")
                } catch (e: CertdoctorException.UnsupportedFormat) {
                    assertTrue(e.message!!, e.message!!.contains(format.name.lowercase()))
                }
            }
        }
        try {
            blocking { CertDoctor.render(report.copy(findings = report.findings.map { it.copy(id = "NOPE") }), ReportFormat.JSON) }
            fail("an unknown finding id must not render")
        } catch (e: CertdoctorException.InvalidReport) {
            assertTrue(e.message!!.contains("NOPE"))
        }
    }

    @Test
    fun everyLanguageDiagnosesAndRenders() {
        assertTrue(CertDoctor.languages().toString(), "en" in CertDoctor.languages())
        for (lang in CertDoctor.languages()) {
            val options = CertDoctor.options(lang = lang, nowUnixSeconds = 1_780_272_000L)
            val report = blocking { CertDoctor.diagnose(listOf(sample("omadm-ndes-http-500.log")), options) }
            assertEquals(lang, report.lang)
            assertEquals(Verdict.FAILED, report.verdict)
            assertTrue(blocking { CertDoctor.render(report, ReportFormat.TEXT, lang) }.contains("SCEP_SERVER_UNREACHABLE"))
        }
    }

    @Test
    fun aFinishedSessionRefusesMoreWork() {
        val session = DiagnosisSession(fixed)
        session.finish()
        try {
            session.addFile(InputFile("late.log", ByteArray(1)))
            fail("expected InvalidState")
        } catch (e: CertdoctorException.InvalidState) {
            assertTrue(e.message!!.contains("finished"))
        } finally {
            session.close()
        }
    }
}

/** An OMADM-shaped log of [lines] lines no rule cares about, generated on the fly. */
private class NoiseLog(lines: Long) : InputStream() {
    private val line = LINE
    private val size = lines * line.size
    private var sent = 0L

    companion object {
        val LINE = "2018-02-27T04:40:00.0000000    VERB    Event     com.microsoft.omadm.noise.Heartbeat    9595        9    nothing to see here, keep scrolling\n".toByteArray()
    }

    override fun read(): Int {
        if (sent >= size) return -1
        return line[(sent++ % line.size).toInt()].toInt() and 0xff
    }

    override fun read(b: ByteArray, off: Int, len: Int): Int {
        if (sent >= size) return -1
        val n = minOf(len.toLong(), size - sent).toInt()
        for (i in 0 until n) b[off + i] = line[((sent + i) % line.size).toInt()]
        sent += n
        return n
    }
}
