package app.certdoctor

import app.certdoctor.ffi.DiagnoseOptions
import app.certdoctor.ffi.DiagnosisSession
import app.certdoctor.ffi.ProbeExchange
import app.certdoctor.ffi.ProbeFailure
import app.certdoctor.ffi.ProbeInput
import app.certdoctor.ffi.ProbeOperation
import app.certdoctor.ffi.Report
import java.io.IOException
import java.io.InputStream
import java.net.ConnectException
import java.net.HttpURLConnection
import java.net.NoRouteToHostException
import java.net.PortUnreachableException
import java.net.ProtocolException
import java.net.SocketTimeoutException
import java.net.URL
import java.net.UnknownHostException
import java.security.KeyStore
import java.security.cert.CertPathValidatorException
import java.security.cert.CertificateException
import java.security.cert.CertificateExpiredException
import java.security.cert.CertificateNotYetValidException
import java.security.cert.CertificateRevokedException
import java.security.cert.X509Certificate
import javax.net.ssl.HostnameVerifier
import javax.net.ssl.HttpsURLConnection
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLException
import javax.net.ssl.SSLPeerUnverifiedException
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509TrustManager
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlin.coroutines.suspendCoroutine

/**
 * "Test the SCEP server" from the device's own network: the two read-only SCEP requests
 * (GetCACaps, GetCACert; GET only, never PKIOperation) made with the platform's
 * [HttpURLConnection] / [HttpsURLConnection], the answers and the TLS chain the server sent
 * handed to the core ([app.certdoctor.ffi.probeReport]), which decides. The result is a
 * [Report] of the same contract as a diagnosis, with its `probe` object.
 *
 * Bounded: [timeoutMillis] for connecting and for each read, at most the plan's redirects
 * (never https → http), bodies read to the plan's cap + 1 byte. No cookies or credentials
 * are added by this class (it sets none; an app that installs a default `CookieHandler` or
 * `Authenticator` would have them used by the platform). Proxies: the platform's.
 *
 * @param trustManager trust for https; the platform's default store unless given (tests,
 *   or an app that trusts the roots Intune installed, pass their own).
 * @param hostnameVerifier `null` for the platform's host name check.
 */
class ScepProbe(
    private val timeoutMillis: Int = 15_000,
    private val trustManager: X509TrustManager = platformTrustManager(),
    private val hostnameVerifier: HostnameVerifier? = null,
) {
    /** Probes [url] (the SCEP URL of the profile) on a thread of its own; see [probeBlocking]. */
    suspend fun probe(
        url: String,
        expectedCaThumbprint: String? = null,
        options: DiagnoseOptions = CertDoctor.options(),
    ): Report = suspendCoroutine { continuation ->
        Thread({
            runCatching { probeBlocking(url, expectedCaThumbprint, options) }.fold(
                onSuccess = { continuation.resume(it) },
                onFailure = { continuation.resumeWithException(it) },
            )
        }, "certdoctor-probe").apply { isDaemon = true }.start()
    }

    /**
     * Makes the requests and returns the report. Throws
     * [app.certdoctor.ffi.CertdoctorException] when [url] is not a SCEP URL or the thumbprint
     * is not hexadecimal; never for a server that fails (that is the report's finding).
     */
    fun probeBlocking(
        url: String,
        expectedCaThumbprint: String? = null,
        options: DiagnoseOptions = CertDoctor.options(),
    ): Report = app.certdoctor.ffi.probeReport(collect(url, expectedCaThumbprint), options)

    /**
     * Makes the requests and returns what the core needs, without deciding: for
     * [diagnoseWithProbe], where the probe joins the report of the device's evidence.
     */
    fun collect(url: String, expectedCaThumbprint: String? = null): ProbeInput {
        val plan = app.certdoctor.ffi.probePlan(url)
        val exchanges = mutableListOf<ProbeExchange>()
        for (request in plan.requests) {
            val made = follow(request.operation, request.url, plan.maxBodyBytes.toInt(), plan.maxRedirects.toInt())
            exchanges += made
            // No connection at all: the next operation would fail the same way.
            if (made.last().failure != null) break
        }
        return ProbeInput(plan.baseUrl, expectedCaThumbprint, exchanges)
    }

    private fun follow(operation: ProbeOperation, start: String, cap: Int, maxRedirects: Int): List<ProbeExchange> {
        val out = mutableListOf<ProbeExchange>()
        var url = start
        while (true) {
            val e = exchange(operation, url, cap)
            out += e
            val status = e.status?.toInt()
            val location = e.location
            if (status == null || status !in 300..399 || location == null || out.size > maxRedirects) return out
            // The core's rule (at most the plan's redirects, never https → http); null: stop here.
            url = app.certdoctor.ffi.probeFollowRedirect(url, location, (out.size - 1).toUInt()) ?: return out
        }
    }

    /** One GET, no redirect followed. */
    private fun exchange(operation: ProbeOperation, url: String, cap: Int): ProbeExchange {
        val https = url.startsWith("https://", ignoreCase = true)
        val recorder = RecordingTrust(trustManager)
        val started = System.nanoTime()
        fun millis(): ULong = ((System.nanoTime() - started) / 1_000_000).coerceAtLeast(0).toULong()
        fun failed(failure: ProbeFailure, error: String, chain: List<ByteArray>) = ProbeExchange(
            operation, url, millis(), null, null, null, ByteArray(0), false, failure, error, https, chain, null,
        )
        val host = URL(url).host.trimEnd('.').lowercase()
        if (host == "invalid" || host.endsWith(".invalid")) {
            // RFC 6761: a name under .invalid never resolves; no lookup is made.
            return failed(ProbeFailure.DNS, "$host: a reserved name that never resolves (RFC 6761)", emptyList())
        }
        var connection: HttpURLConnection? = null
        try {
            val c = URL(url).openConnection() as HttpURLConnection
            connection = c
            c.instanceFollowRedirects = false
            c.useCaches = false
            c.allowUserInteraction = false
            c.connectTimeout = timeoutMillis
            c.readTimeout = timeoutMillis
            c.requestMethod = "GET"
            if (c is HttpsURLConnection) {
                val context = SSLContext.getInstance("TLS")
                context.init(null, arrayOf(recorder), null)
                c.sslSocketFactory = context.socketFactory
                hostnameVerifier?.let { c.hostnameVerifier = it }
            }
            val status = c.responseCode
            val chain = if (c is HttpsURLConnection) peerChain(c, recorder) else emptyList()
            val stream: InputStream? = if (status >= 400) c.errorStream else c.inputStream
            val body = stream?.use { readCapped(it, cap) } ?: ByteArray(0)
            val truncated = body.size > cap
            return ProbeExchange(
                operation, url, millis(), status.toUShort(), c.contentType, c.getHeaderField("Location"),
                if (truncated) body.copyOf(cap) else body, truncated, null, null, https, chain, null,
            )
        } catch (e: IOException) {
            val (failure, reason) = classify(e)
            return failed(failure, reason, recorder.chain)
        } finally {
            connection?.disconnect()
        }
    }

    private fun peerChain(c: HttpsURLConnection, recorder: RecordingTrust): List<ByteArray> =
        recorder.chain.ifEmpty {
            // A connection the platform reused was not verified again: its session still has the chain.
            runCatching { c.serverCertificates.map { it.encoded } }.getOrDefault(emptyList())
        }

    private fun readCapped(stream: InputStream, cap: Int): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        val buffer = ByteArray(64 * 1024)
        while (out.size() <= cap) {
            val n = stream.read(buffer, 0, minOf(buffer.size, cap + 1 - out.size()))
            if (n < 0) break
            out.write(buffer, 0, n)
        }
        return out.toByteArray()
    }

    companion object {
        /**
         * The SCEP URL of the latest device request in [inputs] (the profile's NDES URL as
         * the device used it), to offer in "Test the SCEP server"; `null` when none is named.
         */
        fun urlFromEvidence(inputs: List<StreamInput>, options: DiagnoseOptions = CertDoctor.options()): String? =
            DiagnosisSession(options).use { session ->
                feed(session, inputs)
                session.scepUrl()
            }

        /**
         * One report of the device's evidence and a probe ([collect]): the probe's findings
         * (step 2), its CA and RA certificates and its `probe` object join the diagnosis,
         * redacted once. What the app shares after "Test the SCEP server".
         */
        fun diagnoseWithProbe(
            inputs: List<StreamInput>,
            probe: ProbeInput,
            options: DiagnoseOptions = CertDoctor.options(),
        ): Report = DiagnosisSession(options).use { session ->
            feed(session, inputs)
            session.addProbe(probe)
            session.finish()
        }

        private fun feed(session: DiagnosisSession, inputs: List<StreamInput>) {
            for (input in inputs) {
                session.beginInput(input.name).use { sink ->
                    try {
                        input.open().use { stream ->
                            val buffer = ByteArray(CertDoctor.CHUNK_BYTES)
                            while (true) {
                                val n = stream.read(buffer)
                                if (n < 0) break
                                if (n > 0) sink.push(buffer.copyOf(n))
                            }
                        }
                    } catch (e: IOException) {
                        sink.readFailed("read error: ${e.message ?: e.javaClass.simpleName}")
                    }
                    sink.finishInput()
                }
            }
        }

        /** The platform's default trust store (the device's trusted roots on Android). */
        fun platformTrustManager(): X509TrustManager {
            val factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
            factory.init(null as KeyStore?)
            return factory.trustManagers.filterIsInstance<X509TrustManager>().first()
        }

        /** The failure class and the platform's words for an exception of a request. */
        fun classify(e: IOException): Pair<ProbeFailure, String> {
            val causes = generateSequence<Throwable>(e) { it.cause }.take(10).toList()
            val reason = causes.joinToString(": ") { "${it.javaClass.simpleName}(${it.message ?: ""})" }
            fun has(type: Class<*>) = causes.any { type.isInstance(it) }
            val words = causes.joinToString(" ") { it.message ?: "" }.lowercase()
            val failure = when {
                has(UnknownHostException::class.java) -> ProbeFailure.DNS
                has(SocketTimeoutException::class.java) -> ProbeFailure.TIMEOUT
                has(ConnectException::class.java) || has(NoRouteToHostException::class.java) ||
                    has(PortUnreachableException::class.java) -> ProbeFailure.CONNECT
                has(CertificateExpiredException::class.java) -> ProbeFailure.TLS_EXPIRED
                has(CertificateNotYetValidException::class.java) -> ProbeFailure.TLS_NOT_YET_VALID
                has(CertificateRevokedException::class.java) ||
                    causes.any { (it as? CertPathValidatorException)?.reason == CertPathValidatorException.BasicReason.REVOKED } ->
                    ProbeFailure.TLS_REVOKED
                has(SSLPeerUnverifiedException::class.java) || "hostname" in words ||
                    "no subject alternative" in words || "no name matching" in words -> ProbeFailure.TLS_WRONG_HOST
                has(CertificateException::class.java) || has(CertPathValidatorException::class.java) ->
                    ProbeFailure.TLS_UNTRUSTED
                has(SSLException::class.java) -> ProbeFailure.TLS_HANDSHAKE
                has(ProtocolException::class.java) -> ProbeFailure.PROTOCOL
                else -> ProbeFailure.OTHER
            }
            return failure to reason
        }
    }
}

/** Records the chain the server sent, then lets [inner] decide whether it is trusted. */
private class RecordingTrust(private val inner: X509TrustManager) : X509TrustManager {
    @Volatile
    var chain: List<ByteArray> = emptyList()
        private set

    override fun checkServerTrusted(chain: Array<X509Certificate>, authType: String) {
        this.chain = chain.map { it.encoded }
        inner.checkServerTrusted(chain, authType)
    }

    override fun checkClientTrusted(chain: Array<X509Certificate>, authType: String) =
        inner.checkClientTrusted(chain, authType)

    override fun getAcceptedIssuers(): Array<X509Certificate> = inner.acceptedIssuers
}
