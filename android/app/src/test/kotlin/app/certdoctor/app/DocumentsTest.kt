package app.certdoctor.app

import java.io.IOException
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment

/** content:// URIs as evidence: name and size from the provider, failures as read errors. */
@RunWith(RobolectricTestRunner::class)
class DocumentsTest {
    private val resolver get() = RuntimeEnvironment.getApplication().contentResolver

    @Test
    fun nameAndSizeComeFromTheProviderAndTheBytesFromItsStream() {
        val files = FixtureProvider.install()
        val log = fixture("omadm-success.log")
        val evidence = Documents.evidence(resolver, files.serve(log, name = "OMADM 2026-12-01.log"))
        assertEquals("OMADM 2026-12-01.log", evidence.name)
        assertEquals(log.length(), evidence.sizeBytes)
        assertArrayEquals(log.readBytes(), evidence.open().use { it.readBytes() })
    }

    @Test
    fun aProviderThatRefusesGivesTheUrisNameAndAReadError() {
        val files = FixtureProvider.install()
        val evidence = Documents.evidence(resolver, files.refuse("OMADM.log"))
        assertEquals("OMADM.log", evidence.name)
        assertNull(evidence.sizeBytes)
        // An IOException: the core records it against this input; the rest is still checked.
        val e = assertThrows(IOException::class.java) { evidence.open() }
        assertEquals("no permission to read OMADM.log", e.message)
    }
}
