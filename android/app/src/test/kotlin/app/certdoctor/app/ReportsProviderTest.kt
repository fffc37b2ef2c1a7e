package app.certdoctor.app

import android.content.ContentValues
import android.content.pm.ProviderInfo
import android.net.Uri
import android.provider.OpenableColumns
import java.io.File
import java.io.FileNotFoundException
import java.nio.file.Files
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment

/** The app's own provider for shared reports: exactly those files, read-only, nothing else. */
@RunWith(RobolectricTestRunner::class)
class ReportsProviderTest {
    private val app get() = RuntimeEnvironment.getApplication()
    private val resolver get() = app.contentResolver

    @Test
    fun servesExactlyTheBytesPublishedWithNameSizeAndType() {
        val bytes = ByteArray(70_000) { (it * 31).toByte() }
        val uri = ReportsProvider.publish(app, "certdoctor-report.zip", bytes)
        assertEquals("content://app.certdoctor.app.reports/certdoctor-report.zip", uri.toString())
        assertArrayEquals(bytes, resolver.openInputStream(uri)!!.use { it.readBytes() })
        assertEquals("application/zip", resolver.getType(uri))
        resolver.query(uri, null, null, null, null)!!.use { c ->
            assertEquals(listOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE), c.columnNames.toList())
            assertTrue(c.moveToFirst())
            assertEquals("certdoctor-report.zip", c.getString(0))
            assertEquals(70_000L, c.getLong(1))
            assertEquals(1, c.count)
        }
        // Only the columns asked for (and known).
        resolver.query(uri, arrayOf(OpenableColumns.SIZE, "_data"), null, null, null)!!.use { c ->
            assertEquals(listOf(OpenableColumns.SIZE), c.columnNames.toList())
        }
        // Published again under the same name: the new bytes.
        ReportsProvider.publish(app, "certdoctor-report.zip", byteArrayOf(1, 2, 3))
        assertArrayEquals(byteArrayOf(1, 2, 3), resolver.openInputStream(uri)!!.use { it.readBytes() })
        assertEquals("text/html", ReportsProvider.mimeType("a.HTML"))
        assertEquals("text/plain", ReportsProvider.mimeType("a.txt"))
        assertEquals("application/octet-stream", ReportsProvider.mimeType("noext"))
    }

    @Test
    fun refusesEveryPathOutsideTheReportsFolder() {
        ReportsProvider.publish(app, "certdoctor-report.txt", "report".toByteArray())
        File(app.filesDir, "secret.txt").writeText("not to be shared")
        File(app.cacheDir, "secret.txt").writeText("not to be shared")
        val authority = "content://app.certdoctor.app.reports"
        val refused = listOf(
            "$authority/../secret.txt",
            "$authority/..%2Fsecret.txt",
            "$authority/..%2F..%2Ffiles%2Fsecret.txt",
            "$authority/reports/certdoctor-report.txt",
            "$authority/%2Fdata%2Fsecret.txt",
            "$authority/.hidden",
            "$authority/",
            "$authority/missing.txt",
            "$authority/certdoctor-report.txt/..",
            "content://app.certdoctor.app.other/certdoctor-report.txt",
        ).map(Uri::parse)
        val provider = ReportsProvider().apply { attachInfo(app, providerInfo()) }
        for (uri in refused) {
            assertThrows(uri.toString(), FileNotFoundException::class.java) { provider.openFile(uri, "r") }
            assertNull(uri.toString(), provider.query(uri, null, null, null, null))
            assertNull(uri.toString(), provider.getType(uri))
        }
        assertThrows(FileNotFoundException::class.java) { resolver.openInputStream(refused[1]) }
        assertEquals("report", resolver.openInputStream(Uri.parse("$authority/certdoctor-report.txt"))!!.use { it.reader().readText() })
    }

    @Test
    fun refusesALinkThatLeadsOutOfTheFolder() {
        val secret = File(app.filesDir, "secret.txt").apply { writeText("not to be shared") }
        val folder = ReportsProvider.directory(app).apply { mkdirs() }
        val link = File(folder, "certdoctor-report.txt")
        link.delete()
        Files.createSymbolicLink(link.toPath(), secret.toPath())
        val uri = ReportsProvider.uriOf(app, "certdoctor-report.txt")
        assertThrows(FileNotFoundException::class.java) { resolver.openInputStream(uri) }
        assertNull(resolver.getType(uri))
    }

    @Test
    fun isReadOnly() {
        val uri = ReportsProvider.publish(app, "certdoctor-report.txt", "report".toByteArray())
        val provider = ReportsProvider().apply { attachInfo(app, providerInfo()) }
        for (mode in listOf("w", "wt", "wa", "rw", "rwt")) {
            assertThrows(mode, SecurityException::class.java) { provider.openFile(uri, mode) }
        }
        assertThrows(UnsupportedOperationException::class.java) { provider.insert(uri, ContentValues()) }
        assertThrows(UnsupportedOperationException::class.java) { provider.update(uri, ContentValues(), null, null) }
        assertThrows(UnsupportedOperationException::class.java) { provider.delete(uri, null, null) }
        assertEquals("report", File(ReportsProvider.directory(app), "certdoctor-report.txt").readText())
        assertThrows(IllegalArgumentException::class.java) { ReportsProvider.publish(app, "../escape.txt", ByteArray(1)) }
        assertFalse(File(app.cacheDir, "escape.txt").exists())
    }

    @Test
    fun isDeclaredUnexportedWithGrantsAndRefusesOtherwise() {
        val declared = app.packageManager.resolveContentProvider("app.certdoctor.app.reports", 0)!!
        assertEquals(ReportsProvider::class.java.name, declared.name)
        assertFalse(declared.exported)
        assertTrue(declared.grantUriPermissions)
        assertThrows(SecurityException::class.java) {
            ReportsProvider().attachInfo(app, providerInfo().apply { exported = true })
        }
        assertThrows(SecurityException::class.java) {
            ReportsProvider().attachInfo(app, providerInfo().apply { grantUriPermissions = false })
        }
    }

    private fun providerInfo() = ProviderInfo().apply {
        authority = "app.certdoctor.app.reports"
        exported = false
        grantUriPermissions = true
    }
}
