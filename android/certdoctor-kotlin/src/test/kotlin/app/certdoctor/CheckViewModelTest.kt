package app.certdoctor

import app.certdoctor.ffi.InputFile
import app.certdoctor.ffi.ReportFormat
import app.certdoctor.ffi.Verdict
import com.sun.net.httpserver.HttpServer
import java.io.ByteArrayInputStream
import java.io.File
import java.net.InetSocketAddress
import java.util.Collections
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executor
import java.util.concurrent.TimeUnit
import java.util.zip.ZipInputStream
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** The screen's state logic against the real Rust library. */
class CheckViewModelTest {
    /** Runs queued work only when the test says so: the test sees every intermediate state. */
    private class Manual : Executor {
        val queue = ConcurrentLinkedQueue<Runnable>()

        override fun execute(command: Runnable) {
            queue += command
        }

        fun runNext() = queue.poll()!!.run()

        fun runAll() {
            while (queue.isNotEmpty()) runNext()
        }
    }

    private val direct = Executor { it.run() }
    private val fixed = { CertDoctor.options(nowUnixSeconds = 1_780_272_000L) }
    private val seed = File("tests/fixtures/seed/android-seed.log").readBytes()

    private fun seedEvidence() = Evidence.of(InputFile("android-seed.log", seed))

    private fun recorded(vm: CheckViewModel): MutableList<CheckState> {
        val states = Collections.synchronizedList(ArrayList<CheckState>())
        vm.observe { states += it }
        return states
    }

    private fun diagnosed(worker: Manual = Manual()): CheckViewModel {
        val vm = CheckViewModel(direct, worker, fixed)
        vm.addFiles(listOf(seedEvidence()))
        vm.checkCertificates()
        worker.runAll()
        return vm
    }

    @Test
    fun idleThenCollectingThenDiagnosed() {
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        val states = recorded(vm)
        assertEquals(CheckState.Idle(0), states.single())
        vm.addFiles(listOf(seedEvidence()))
        assertEquals(CheckState.Idle(1), vm.state)
        vm.checkCertificates()
        assertEquals(CheckState.Collecting(0, seed.size.toLong(), null), vm.state)
        worker.runAll()
        val done = vm.state as CheckState.Diagnosed
        assertEquals(Verdict.DELIVERED, done.verdict)
        assertTrue(done.summary.isNotBlank() && done.nextAction.isNotBlank())
        assertEquals(done.report.findings, done.findings)
        val kinds = states.map { it.javaClass.simpleName }.distinct()
        assertEquals(listOf("Idle", "Collecting", "Diagnosed"), kinds)
    }

    @Test
    fun anObserverAddedWhileChangesAreQueuedEndsOnTheNewestState() {
        // The main thread's queue: the screen subscribes after a check was started (files
        // shared into the app) but before the queue ran.
        val main = Manual()
        val vm = CheckViewModel(main, Manual(), fixed)
        vm.addFiles(listOf(seedEvidence()))
        vm.checkCertificates()
        val drawn = ArrayList<CheckState>()
        vm.observe { drawn += it }
        main.runAll()
        assertEquals(CheckState.Collecting(0, seed.size.toLong(), null), drawn.last())
        assertEquals(vm.state, drawn.last())
    }

    @Test
    fun badOptionsEndInAnErrorWithAReadableMessage() {
        val worker = Manual()
        val vm = CheckViewModel(direct, worker) { CertDoctor.options(lang = "xx-bad") }
        vm.addFiles(listOf(seedEvidence()))
        vm.checkCertificates()
        worker.runAll()
        val failed = vm.state as CheckState.Failed
        assertTrue(failed.message, "xx-bad" in failed.message)
    }

    @Test
    fun anInputThatCannotBeOpenedEndsInAnError() {
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        vm.addFiles(listOf(Evidence("gone.log", null) { throw IllegalStateException("permission revoked") }))
        vm.checkCertificates()
        assertEquals(null, (vm.state as CheckState.Collecting).totalBytes)
        worker.runAll()
        assertEquals(CheckState.Failed("permission revoked"), vm.state)
    }

    @Test
    fun progressIsReportedForLargeLogs() {
        val big = ByteArray(3 * CertDoctor.CHUNK_BYTES + 123) { (it % 61 + 32).toByte() }
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        val states = recorded(vm)
        vm.addFiles(listOf(seedEvidence(), Evidence("big.log", big.size.toLong()) { ByteArrayInputStream(big) }))
        vm.checkCertificates()
        worker.runAll()
        val progress = states.filterIsInstance<CheckState.Collecting>()
        val total = (seed.size + big.size).toLong()
        assertTrue(progress.size.toString(), progress.size >= 5)
        assertTrue(progress.all { it.totalBytes == total })
        assertEquals(progress.map { it.bytesRead }.sorted(), progress.map { it.bytesRead })
        assertEquals(total, progress.last().bytesRead)
        assertEquals(1f, progress.last().fraction!!, 0f)
        assertTrue(progress.any { it.currentInput == "big.log" })
        assertTrue(vm.state is CheckState.Diagnosed)
    }

    @Test
    fun aResultArrivingAfterResetIsIgnored() {
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        val states = recorded(vm)
        vm.addFiles(listOf(seedEvidence()))
        vm.checkCertificates()
        vm.reset()
        worker.runAll()
        assertEquals(CheckState.Idle(0), vm.state)
        assertTrue(states.none { it is CheckState.Diagnosed })
    }

    @Test
    fun onlyTheNewestOfTwoChecksIsShown() {
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        vm.addFiles(listOf(seedEvidence()))
        vm.checkCertificates()
        vm.addFiles(listOf(Evidence.of(InputFile("notes.txt", "nothing here".toByteArray()))))
        vm.checkCertificates()
        val first = worker.queue.poll()!!
        worker.runNext() // the second check ends first …
        first.run() // … and the first one's late answer is dropped
        assertEquals(2, (vm.state as CheckState.Diagnosed).report.inputs.size)
    }

    @Test
    fun theWorkRunsOffTheCallingThread() {
        val latch = CountDownLatch(1)
        val threads = Collections.synchronizedSet(HashSet<String>())
        val vm = CheckViewModel(direct, options = fixed)
        vm.observe {
            threads += Thread.currentThread().name
            if (it is CheckState.Diagnosed) latch.countDown()
        }
        vm.addFiles(listOf(seedEvidence()))
        vm.checkCertificates()
        assertTrue(latch.await(120, TimeUnit.SECONDS))
        assertTrue(threads.toString(), "certdoctor-check" in threads)
    }

    @Test
    fun sharePayloadPerFormat() {
        val vm = diagnosed()
        val done = vm.state as CheckState.Diagnosed
        val text = vm.payload(done, ShareFormat.TEXT)
        assertEquals("text/plain", text.mimeType)
        // The text layout wraps long lines: compare with whitespace folded.
        val fold = { t: String -> t.replace(Regex("\\s+"), " ") }
        assertTrue(text.text!!, fold(text.text!!).contains(fold(done.summary)))
        val html = vm.payload(done, ShareFormat.HTML)
        if (ReportFormat.HTML in CertDoctor.formats()) {
            assertEquals("text/html", html.mimeType)
            assertFalse(html.fellBack)
        } else {
            assertEquals("text/plain", html.mimeType)
            assertTrue(html.fellBack)
            assertEquals(text.text, html.text)
        }
    }

    @Test
    fun theBundleHoldsTheRendersAndTheDeviceNotes() {
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        vm.addFiles(listOf(seedEvidence()))
        vm.recordClientCertificateNotFound()
        vm.checkCertificates()
        worker.runAll()
        var result: Result<SharePayload>? = null
        vm.share(ShareFormat.BUNDLE) { result = it }
        worker.runAll()
        val bundle = result!!.getOrThrow()
        assertEquals("application/zip", bundle.mimeType)
        assertEquals(null, bundle.text)
        val names = ArrayList<String>()
        val contents = HashMap<String, String>()
        ZipInputStream(ByteArrayInputStream(bundle.bytes)).use { zip ->
            while (true) {
                val entry = zip.nextEntry ?: break
                names += entry.name
                contents[entry.name] = zip.readBytes().toString(Charsets.UTF_8)
            }
        }
        assertTrue(names.toString(), names.containsAll(listOf("report.txt", "report.json", "device-notes.txt")))
        assertEquals(ReportFormat.HTML in CertDoctor.formats(), "report.html" in names)
        assertTrue(contents.getValue("device-notes.txt").contains("did not find"))
        assertTrue(contents.getValue("report.json").trimStart().startsWith("{"))
    }

    @Test
    fun sharingBeforeACheckFailsReadably() {
        val vm = CheckViewModel(direct, Manual(), fixed)
        var result: Result<SharePayload>? = null
        vm.share(ShareFormat.TEXT) { result = it }
        assertTrue(result!!.exceptionOrNull()!!.message!!.contains("Check certificates first"))
        assertEquals(ShareFormat.entries.toList(), vm.shareFormats())
    }

    @Test
    fun storeCertificatesAndTheClientChainBecomeEvidence() {
        val vm = CheckViewModel(direct, Manual(), fixed)
        val count = vm.addCaCertificates(KeyStoreCertificates.jdkTrustStore())
        assertEquals(0, count.user)
        assertTrue(vm.state.toString(), (vm.state as CheckState.Idle).evidenceCount > 0)
        val before = (vm.state as CheckState.Idle).evidenceCount
        val der = KeyStoreCertificates.jdkTrustStore().collect().first().der
        vm.addClientCertificateChain("Intune SCEP/1", listOf(der))
        assertEquals(before + 1, (vm.state as CheckState.Idle).evidenceCount)
        assertNotNull(vm)
    }

    @Test
    fun testTheScepServerOffersTheEvidencesUrlThenJoinsTheProbeToTheReport() {
        val fixtures = File(System.getProperty("certdoctor.fixtures") ?: "tests/fixtures/android")
        val failing = File(fixtures, "omadm-ndes-http-500.log").readBytes()
        val worker = Manual()
        val vm = CheckViewModel(direct, worker, fixed)
        vm.addFiles(listOf(Evidence.of(InputFile("OMADM.log", failing))))
        var offered: String? = "not yet"
        vm.findScepUrl { offered = it }
        worker.runAll()
        assertEquals("https://scep.litware-example.org/certsrv/mscep/mscep.dll", offered)

        // A loopback NDES that answers 403 to both operations; the real transport asks it.
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        val seen = Collections.synchronizedList(ArrayList<String>())
        server.createContext("/") { e ->
            seen += "${e.requestMethod} ${e.requestURI}"
            e.responseHeaders.add("Content-Type", "text/html")
            val body = "<html><body>403 - Forbidden: Access is denied.</body></html>".toByteArray()
            e.sendResponseHeaders(403, body.size.toLong())
            e.responseBody.write(body)
            e.close()
        }
        server.start()
        try {
            val url = "http://127.0.0.1:${server.address.port}/certsrv/mscep/mscep.dll"
            vm.testScepServer(url, { ScepProbe(timeoutMillis = 5_000).collect(it) })
            assertEquals(CheckState.Probing(url), vm.state)
            worker.runAll()
            val done = vm.state as CheckState.Diagnosed
            assertEquals(Verdict.FAILED, done.verdict)
            val probe = done.report.probe ?: throw AssertionError("no probe object in the report")
            assertFalse(probe.working)
            assertTrue(seen.toString(), seen.isNotEmpty() && seen.all { it.startsWith("GET ") && "operation=GetCA" in it })
            assertTrue(done.report.inputs.any { it.path == "OMADM.log" })
        } finally {
            server.stop(0)
        }

        // A URL the core refuses is said, not thrown.
        vm.testScepServer("ftp://ndes.example.com/x", { ScepProbe().collect(it) })
        worker.runAll()
        val failed = vm.state as CheckState.Failed
        assertTrue(failed.message, failed.message.isNotBlank())

        // A probe whose transport fails outright is said too.
        vm.testScepServer("https://ndes.example.com/certsrv/mscep/mscep.dll", { throw IllegalStateException("no network") })
        worker.runAll()
        assertEquals(CheckState.Failed("no network"), vm.state)
    }
}

class CheckViewModelDeviceEvidenceTest {
    @Test
    fun collectingTheDeviceAgainReplacesItsEarlierEvidenceButKeepsPickedFiles() {
        val vm = CheckViewModel({ it.run() }, { }, { CertDoctor.options() })
        vm.addFiles(listOf(Evidence.of(InputFile("a.log", ByteArray(1)))))
        val der = KeyStoreCertificates.jdkTrustStore().collect().first().der
        vm.addClientCertificateChain("x", listOf(der, der))
        assertEquals(CheckState.Idle(3), vm.state)
        vm.beginDeviceCollection()
        vm.recordClientCertificateNotFound()
        assertEquals(CheckState.Idle(1), vm.state)
    }

}

class ReportLanguageTest {
    private val supported = listOf("en", "zh-Hant")

    @Test
    fun taiwanAndTraditionalScriptsGetTraditionalChinese() {
        assertEquals("zh-Hant", CheckViewModel.reportLanguage("zh-TW", supported))
        assertEquals("zh-Hant", CheckViewModel.reportLanguage("zh_TW", supported))
        assertEquals("zh-Hant", CheckViewModel.reportLanguage("zh-Hant-HK", supported))
        assertEquals("en", CheckViewModel.reportLanguage("zh-CN", supported))
        assertEquals("en", CheckViewModel.reportLanguage("zh-TW", listOf("en")))
    }

    @Test
    fun otherLocalesFallBackToEnglish() {
        assertEquals("en", CheckViewModel.reportLanguage("en-GB", supported))
        assertEquals("en", CheckViewModel.reportLanguage("de-DE", supported))
        assertEquals("en", CheckViewModel.reportLanguage("", supported))
        assertTrue(CheckViewModel.reportLanguage(java.util.Locale.getDefault().toLanguageTag()) in CertDoctor.languages())
    }
}
