package app.certdoctor

import app.certdoctor.ffi.CertRole
import app.certdoctor.ffi.InputKind
import app.certdoctor.ffi.InputStatus
import java.io.File
import java.security.KeyStore
import java.util.concurrent.TimeUnit
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class KeyStoreCertificatesTest {
    private val fixed = CertDoctor.options(nowUnixSeconds = 1_780_272_000L)

    @Test
    fun aliasPrefixTellsSystemAndUserCasApart() {
        val jdk = KeyStoreCertificates.jdkTrustStore().collect()
        assertTrue("the JDK trust store has CAs", jdk.size > 10)
        // A store shaped like AndroidCAStore: `system:` and `user:` aliases.
        val store = KeyStore.getInstance("PKCS12").apply { load(null) }
        store.setCertificateEntry("system:${jdk[0].shortAlias}", cert(jdk[0].der))
        store.setCertificateEntry("system:${jdk[1].shortAlias}", cert(jdk[1].der))
        store.setCertificateEntry("user:a1b2c3d4.0", cert(jdk[2].der))
        val collector = KeyStoreCertificates(store, "AndroidCAStore")
        val origins = collector.collect().groupBy { it.origin }.mapValues { it.value.size }
        assertEquals(mapOf(CertificateOrigin.SYSTEM to 2, CertificateOrigin.USER to 1), origins)
        assertEquals(listOf("AndroidCAStore/user/a1b2c3d4.0.der"), collector.asInputFiles(collector.userInstalled()).map { it.name })
    }

    @Test
    fun aPkcs12MadeByKeytoolIsCollectedAndDiagnosed() {
        val dir = File(System.getProperty("certdoctor.scratch") ?: System.getProperty("java.io.tmpdir"))
        dir.mkdirs()
        val p12 = File.createTempFile("certdoctor-test", ".p12", dir)
        p12.delete()
        try {
            val keytool = File(System.getProperty("java.home"), "bin/keytool").path
            val process = ProcessBuilder(
                keytool, "-genkeypair", "-keystore", p12.path, "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "device", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=Test Device, O=Contoso", "-ext", "EKU=clientAuth",
            ).redirectErrorStream(true).start()
            val output = process.inputStream.readBytes().decodeToString()
            assertTrue("keytool timed out", process.waitFor(120, TimeUnit.SECONDS))
            assertEquals(output, 0, process.exitValue())

            val collector = p12.inputStream().use { KeyStoreCertificates.pkcs12(it, "changeit".toCharArray(), "device.p12") }
            val certs = collector.collect()
            assertEquals(listOf(CertificateOrigin.OTHER), certs.map { it.origin })
            val report = blocking { CertDoctor.diagnose(collector.asInputFiles(), fixed) }
            val entry = report.inputs.single()
            assertEquals(InputKind.CERTIFICATE, entry.kind)
            assertEquals(InputStatus.OK, entry.status)
            assertEquals(1, report.certificates.size)
            assertTrue(report.certificates[0].role in setOf(CertRole.ROOT, CertRole.LEAF))
        } finally {
            p12.delete()
        }
    }

    @Test
    fun theJdkTrustStoreDiagnosesAsRoots() {
        val collector = KeyStoreCertificates.jdkTrustStore()
        val inputs = collector.asInputFiles().take(20)
        val report = blocking { CertDoctor.diagnose(inputs, fixed) }
        assertEquals(inputs.size, report.inputs.size)
        assertTrue(report.inputs.all { it.status == InputStatus.OK && it.kind == InputKind.CERTIFICATE })
        assertTrue(report.certificates.all { it.role == CertRole.ROOT })
    }

    private fun cert(der: ByteArray) =
        java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(der.inputStream())
}
