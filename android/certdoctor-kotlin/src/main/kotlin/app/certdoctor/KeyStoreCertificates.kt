package app.certdoctor

import app.certdoctor.ffi.InputFile
import java.io.File
import java.io.InputStream
import java.security.KeyStore
import java.security.cert.X509Certificate

/** Where a CA of the device's store comes from. */
enum class CertificateOrigin(val label: String) {
    /** Shipped with the OS (`AndroidCAStore` alias `system:…`). */
    SYSTEM("system"),

    /** Installed by the user or by Intune (`AndroidCAStore` alias `user:…`). */
    USER("user"),

    /** Any other store (a PKCS#12 file, the JDK's trust store). */
    OTHER("other"),
    ;

    companion object {
        fun ofAlias(alias: String): CertificateOrigin = when {
            alias.startsWith("system:") -> SYSTEM
            alias.startsWith("user:") -> USER
            else -> OTHER
        }
    }
}

/** One certificate of a key store, as DER. */
class CollectedCertificate(val alias: String, val origin: CertificateOrigin, val der: ByteArray) {
    /** The alias without its `system:`/`user:` prefix. */
    val shortAlias: String get() = alias.substringAfter(':')
}

/**
 * Collects the certificates of a [KeyStore] so the core can check the installed chain. On a
 * device use [androidCaStore]; it tells system and user-installed CAs apart by alias prefix.
 */
class KeyStoreCertificates(private val keyStore: KeyStore, private val storeName: String) {
    fun collect(): List<CollectedCertificate> =
        keyStore.aliases().toList().sorted().mapNotNull { alias ->
            val cert = keyStore.getCertificate(alias) as? X509Certificate ?: return@mapNotNull null
            CollectedCertificate(alias, CertificateOrigin.ofAlias(alias), cert.encoded)
        }

    /** Only the CAs a user (or Intune) installed: the ones a SCEP chain usually needs. */
    fun userInstalled(): List<CollectedCertificate> = collect().filter { it.origin == CertificateOrigin.USER }

    /** The certificates as inputs for [CertDoctor.diagnose], named `store/origin/alias.der`. */
    fun asInputFiles(certificates: List<CollectedCertificate> = collect()): List<InputFile> =
        certificates.map { InputFile("$storeName/${it.origin.label}/${safeName(it.shortAlias)}.der", it.der) }

    companion object {
        /** The device's CA store (Android only: the provider does not exist elsewhere). */
        fun androidCaStore(): KeyStoreCertificates =
            KeyStoreCertificates(KeyStore.getInstance("AndroidCAStore").apply { load(null) }, "AndroidCAStore")

        /** A PKCS#12 file, e.g. an exported identity or trust bundle. */
        fun pkcs12(stream: InputStream, password: CharArray, name: String = "pkcs12"): KeyStoreCertificates =
            KeyStoreCertificates(KeyStore.getInstance("PKCS12").apply { load(stream, password) }, name)

        /** The JVM's trust store (`$JAVA_HOME/lib/security/cacerts`): host tests and tools. */
        fun jdkTrustStore(javaHome: String = System.getProperty("java.home")): KeyStoreCertificates {
            val file = File(javaHome, "lib/security/cacerts")
            val store = KeyStore.getInstance(KeyStore.getDefaultType())
            file.inputStream().use { store.load(it, null) }
            return KeyStoreCertificates(store, "cacerts")
        }

        private fun safeName(alias: String): String = alias.replace(Regex("[^A-Za-z0-9._-]"), "_")
    }
}
