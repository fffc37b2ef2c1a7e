package app.certdoctor

import app.certdoctor.ffi.CertdoctorException
import app.certdoctor.ffi.Report
import app.certdoctor.ffi.Verdict
import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import com.sun.net.httpserver.HttpsConfigurator
import com.sun.net.httpserver.HttpsServer
import java.io.File
import java.io.FileInputStream
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509TrustManager
import org.junit.AfterClass
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/**
 * [ScepProbe] against a SCEP responder on 127.0.0.1 written here with the JDK's
 * `HttpServer`/`HttpsServer`; the CA, RA and TLS certificates are made by `keytool` at test
 * time, the GetCACert PKCS#7 by the JDK's `CertPath` encoder. Each test starts and stops its
 * server; every wait is bounded by the probe's timeout.
 */
class ScepProbeTest {
    private val fixed = CertDoctor.options(redact = false, nowUnixSeconds = 1_780_272_000L)

    private fun ids(r: Report) = r.findings.map { it.id }

    /** A responder on an ephemeral loopback port; stopped by [use]. */
    private class Responder(val server: HttpServer, val seen: MutableList<String>) : AutoCloseable {
        fun url(scheme: String) = "$scheme://127.0.0.1:${server.address.port}/certsrv/mscep/mscep.dll"
        override fun close() = server.stop(0)
    }

    private fun respond(
        tls: SSLContext? = null,
        handler: (HttpExchange) -> Unit,
    ): Responder {
        val seen = java.util.Collections.synchronizedList(mutableListOf<String>())
        val address = InetSocketAddress("127.0.0.1", 0)
        val server: HttpServer = if (tls == null) {
            HttpServer.create(address, 0)
        } else {
            HttpsServer.create(address, 0).apply { httpsConfigurator = HttpsConfigurator(tls) }
        }
        server.executor = Executors.newCachedThreadPool { r -> Thread(r).apply { isDaemon = true } }
        server.createContext("/") { exchange ->
            seen += "${exchange.requestMethod} ${exchange.requestURI}"
            try {
                handler(exchange)
            } finally {
                exchange.close()
            }
        }
        server.start()
        return Responder(server, seen)
    }

    private fun send(e: HttpExchange, status: Int, contentType: String, body: ByteArray, location: String? = null) {
        e.responseHeaders.add("Content-Type", contentType)
        location?.let { e.responseHeaders.add("Location", it) }
        e.sendResponseHeaders(status, if (body.isEmpty()) -1 else body.size.toLong())
        if (body.isNotEmpty()) e.responseBody.write(body)
    }

    private fun operation(e: HttpExchange) =
        e.requestURI.rawQuery?.split('&')?.firstOrNull { it.startsWith("operation=") }?.substringAfter('=')

    /** An NDES: GetCACaps with NDES's list, GetCACert with [reply]. */
    private fun ndes(reply: ByteArray): (HttpExchange) -> Unit = { e ->
        when (operation(e)) {
            "GetCACaps" -> send(e, 200, "text/plain", CAPS)
            "GetCACert" -> send(e, 200, "application/x-x509-ca-ra-cert", reply)
            else -> send(e, 400, "text/plain", "bad operation".toByteArray())
        }
    }

    @Test
    fun aWorkingNdesOverHttp() = respond(handler = ndes(pki.reply)).use { server ->
        val r = ScepProbe(timeoutMillis = 5_000).probeBlocking(server.url("http"), options = fixed)
        assertEquals(emptyList<String>(), ids(r))
        assertEquals(Verdict.INCONCLUSIVE, r.verdict)
        val p = assertNotNullProbe(r)
        assertTrue(p.working)
        assertEquals(listOf(200, 200), p.requests.map { it.status?.toInt() })
        assertEquals(pki.reply.size.toULong(), p.requests[1].size)
        assertEquals(2, p.ra.size)
        assertTrue(p.ra.any { it.signing } && p.ra.any { it.encryption })
        assertEquals(3, r.certificates.size)
        assertNull(p.tls)
        assertEquals(2, server.seen.size)
        assertTrue(server.seen.all { it.startsWith("GET ") && "PKIOperation" !in it })
    }

    @Test
    fun httpsTrustedByTheGivenStoreThenUntrustedByThePlatform() =
        respond(tls = pki.serverContext, handler = ndes(pki.reply)).use { server ->
            val trusted = ScepProbe(timeoutMillis = 5_000, trustManager = pki.trustingServer)
                .probeBlocking(server.url("https"), options = fixed)
            assertEquals(emptyList<String>(), ids(trusted))
            val tls = assertNotNullProbe(trusted).tls
            assertNotNull(tls)
            assertEquals("ok", tls!!.result)
            assertEquals("CN=127.0.0.1", tls.peerCertificates.first().subject)

            val untrusted = ScepProbe(timeoutMillis = 5_000).probeBlocking(server.url("https"), options = fixed)
            assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(untrusted))
            val p = assertNotNullProbe(untrusted)
            assertFalse(p.working)
            assertEquals("untrusted", p.tls?.result)
            assertEquals("the refused chain is recorded", 1, p.tls?.peerCertificates?.size)
            assertEquals("tls", p.requests[0].failure)
            assertEquals(Verdict.FAILED, untrusted.verdict)
        }

    @Test
    fun httpErrorsAndAnHtmlPage() {
        for ((status, words) in listOf(403 to "HTTP 403 Forbidden", 404 to "HTTP 404 Not Found", 500 to "HTTP 500")) {
            respond { send(it, status, "text/html", "<html><body>IIS</body></html>".toByteArray()) }.use { server ->
                val r = ScepProbe(timeoutMillis = 5_000).probeBlocking(server.url("http"), options = fixed)
                assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(r))
                assertTrue(r.findings[0].detail, words in r.findings[0].detail)
            }
        }
        respond { e ->
            when (operation(e)) {
                "GetCACaps" -> send(e, 200, "text/plain", CAPS)
                else -> send(e, 200, "text/html", "<!DOCTYPE html><html><head><title>Sign in</title></head></html>".toByteArray())
            }
        }.use { server ->
            val r = ScepProbe(timeoutMillis = 5_000).probeBlocking(server.url("http"), options = fixed)
            assertEquals(listOf("SCEP_SERVER_INVALID_RESPONSE"), ids(r))
            assertTrue(r.findings[0].detail, "HTML page (Sign in)" in r.findings[0].detail)
        }
    }

    @Test
    fun aClosedPortASlowServerAndAReservedName() {
        val port = ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")).use { it.localPort }
        val closed = ScepProbe(timeoutMillis = 5_000)
            .probeBlocking("http://127.0.0.1:$port/certsrv/mscep/mscep.dll", options = fixed)
        assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(closed))
        assertEquals("connect", closed.probe?.requests?.get(0)?.failure)
        assertEquals("GetCACert is not tried without a server", 1, closed.probe?.requests?.size)

        respond { Thread.sleep(3_000) }.use { server ->
            val started = System.nanoTime()
            val slow = ScepProbe(timeoutMillis = 1_000).probeBlocking(server.url("http"), options = fixed)
            val took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(slow))
            assertEquals("timeout", slow.probe?.requests?.get(0)?.failure)
            assertTrue("took $took ms", took < 3_000)
        }

        val dns = ScepProbe().probeBlocking("https://ndes.contoso.invalid/certsrv/mscep/mscep.dll", options = fixed)
        assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(dns))
        assertEquals("dns", dns.probe?.requests?.get(0)?.failure)
    }

    @Test
    fun aRedirectLoopStopsAfterThreeRedirects() = respond { e ->
        send(e, 302, "text/html", ByteArray(0), location = e.requestURI.toString())
    }.use { server ->
        val r = ScepProbe(timeoutMillis = 5_000).probeBlocking(server.url("http"), options = fixed)
        assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(r))
        assertTrue(r.findings[0].detail, "more than 3 times" in r.findings[0].detail)
        assertEquals(8, r.probe?.requests?.size)
        assertEquals(8, server.seen.size)
    }

    @Test
    fun theProbeJoinsTheReportOfTheDevicesEvidence() = respond { e ->
        send(e, 500, "text/html", "<html><body>Internal Server Error</body></html>".toByteArray())
    }.use { server ->
        val fixtures = File(System.getProperty("certdoctor.fixtures") ?: "tests/fixtures/android")
        val log = StreamInput("OMADM.log") { File(fixtures, "omadm-success.log").inputStream() }
        assertEquals(null, ScepProbe.urlFromEvidence(listOf(log), fixed))
        val probe = ScepProbe(timeoutMillis = 5_000).collect(server.url("http"))
        val r = ScepProbe.diagnoseWithProbe(listOf(log), probe, fixed)
        // The device got its certificate, but the server fails from here: the probe's error
        // makes the verdict failed and its summary leads.
        assertEquals(Verdict.FAILED, r.verdict)
        assertEquals(listOf("SCEP_SERVER_UNREACHABLE"), ids(r).filter { it.startsWith("SCEP_SERVER") })
        assertTrue(r.summary, "SCEP server test" in r.summary)
        assertFalse(r.probe!!.working)
        assertTrue(r.inputs.any { it.path == "OMADM.log" })

        val failing = StreamInput("OMADM.log") { File(fixtures, "omadm-ndes-http-500.log").inputStream() }
        assertEquals(
            "https://scep.litware-example.org/certsrv/mscep/mscep.dll",
            ScepProbe.urlFromEvidence(listOf(failing), fixed),
        )
    }

    @Test
    fun badInputIsAnException() {
        try {
            ScepProbe().probeBlocking("ndes.contoso.com", options = fixed)
            fail("a URL without a scheme is refused")
        } catch (e: CertdoctorException) {
            assertTrue(e.message ?: "", "https:// or http://" in (e.message ?: ""))
        }
    }

    private fun assertNotNullProbe(r: Report) = r.probe ?: throw AssertionError("no probe object in the report")

    /** The test PKI, made once per run with keytool. */
    class Pki(dir: File) {
        private val store = File(dir, "scep.p12")
        private val pass = "changeit"
        val reply: ByteArray
        val serverContext: SSLContext
        val trustingServer: X509TrustManager

        private fun keytool(vararg args: String) {
            val tool = File(System.getProperty("java.home"), "bin/keytool").path
            val p = ProcessBuilder(listOf(tool) + args.toList() + listOf("-storepass", pass))
                .redirectErrorStream(true).start()
            val out = p.inputStream.bufferedReader().readText()
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw AssertionError("keytool ${args.toList()}: $out")
        }

        private fun gen(alias: String, dname: String, vararg ext: String) = keytool(
            "-genkeypair", "-alias", alias, "-dname", dname, "-keyalg", "RSA", "-keysize", "2048",
            "-validity", "3650", "-startdate", "2026/01/01 00:00:00", "-keystore", store.path, "-storetype", "PKCS12",
            *ext.flatMap { listOf("-ext", it) }.toTypedArray(),
        )

        private fun issue(alias: String, vararg ext: String): X509Certificate {
            gen(alias, "CN=NDES01-MSCEP-RA")
            val req = File(store.parentFile, "$alias.csr")
            val cer = File(store.parentFile, "$alias.cer")
            keytool("-certreq", "-alias", alias, "-keystore", store.path, "-file", req.path)
            keytool(
                "-gencert", "-alias", "ca", "-keystore", store.path, "-infile", req.path, "-outfile", cer.path,
                "-validity", "1000", "-startdate", "2026/01/01 00:00:00",
                *ext.flatMap { listOf("-ext", it) }.toTypedArray(),
            )
            return FileInputStream(cer).use { CertificateFactory.getInstance("X.509").generateCertificate(it) as X509Certificate }
        }

        init {
            store.delete()
            gen("ca", "CN=Contoso Issuing CA", "bc:c", "KeyUsage=keyCertSign,cRLSign")
            val sign = issue("rasign", "KeyUsage=digitalSignature", "ExtendedKeyUsage=1.3.6.1.4.1.311.20.2.1")
            val enc = issue("raenc", "KeyUsage=keyEncipherment", "ExtendedKeyUsage=1.3.6.1.4.1.311.20.2.1")
            val ks = KeyStore.getInstance("PKCS12").apply { FileInputStream(store).use { load(it, pass.toCharArray()) } }
            val ca = ks.getCertificate("ca") as X509Certificate
            reply = CertificateFactory.getInstance("X.509").generateCertPath(listOf(sign, enc, ca)).getEncoded("PKCS7")

            // The TLS server: a self-signed certificate for 127.0.0.1 in a store of its own.
            val tlsStore = File(store.parentFile, "tls.p12")
            tlsStore.delete()
            keytool(
                "-genkeypair", "-alias", "tls", "-dname", "CN=127.0.0.1", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "3650", "-keystore", tlsStore.path, "-storetype", "PKCS12", "-ext", "SAN=ip:127.0.0.1",
            )
            val tks = KeyStore.getInstance("PKCS12").apply { FileInputStream(tlsStore).use { load(it, pass.toCharArray()) } }
            serverContext = SSLContext.getInstance("TLS").apply {
                val kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
                kmf.init(tks, pass.toCharArray())
                init(kmf.keyManagers, null, null)
            }
            val trust = KeyStore.getInstance("PKCS12").apply {
                load(null, null)
                setCertificateEntry("server", tks.getCertificate("tls"))
            }
            trustingServer = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
                .apply { init(trust) }.trustManagers.filterIsInstance<X509TrustManager>().first()
        }
    }

    companion object {
        private val CAPS = "POSTPKIOperation\r\nRenewal\r\nSHA-512\r\nSHA-256\r\nSHA-1\r\nDES3\r\n".toByteArray()

        private val scratch: File by lazy {
            File(System.getProperty("certdoctor.scratch") ?: "target/kotlin/scratch", "scep-probe").apply { mkdirs() }
        }

        val pki: Pki by lazy { Pki(scratch) }

        @AfterClass
        @JvmStatic
        fun cleanUp() {
            scratch.deleteRecursively()
        }
    }
}
