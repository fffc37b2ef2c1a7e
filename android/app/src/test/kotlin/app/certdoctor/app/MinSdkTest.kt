package app.certdoctor.app

import android.content.Intent
import android.net.Uri
import android.os.Build
import android.widget.TextView
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/**
 * The app's minSdk (26, Android 8.0) on that framework: the share-in path takes its
 * SDK_INT < 33 branches (getParcelableExtra without a class), and the screen, the provider
 * and the share sheet use only what API 26 has.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = SteppedApp::class, sdk = [26])
class MinSdkTest {
    private val app get() = RuntimeEnvironment.getApplication() as SteppedApp

    @Test
    fun sharedStreamsAreCheckedAndTheReportSharedOnApi26() {
        assertEquals(26, Build.VERSION.SDK_INT)
        val files = FixtureProvider.install()
        val failure = fixture("omadm-pkistatus-failure.log")
        val pending = fixture("omadm-pkistatus-pending.log")
        val one = Robolectric.buildActivity(MainActivity::class.java, Intent(Intent.ACTION_SEND).putExtra(Intent.EXTRA_STREAM, files.serve(failure)))
            .setup().get()
        settle(app.steps)
        assertEquals(coreReport("en", failure).summary, one.view<TextView>(R.id.summary).text.toString())
        val many = Robolectric.buildActivity(
            MainActivity::class.java,
            Intent(Intent.ACTION_SEND_MULTIPLE).putParcelableArrayListExtra(Intent.EXTRA_STREAM, arrayListOf<Uri>(files.serve(failure), files.serve(pending))),
        ).setup().get()
        settle(app.steps)
        assertEquals(coreReport("en", failure, pending).summary, many.view<TextView>(R.id.summary).text.toString())
        val uri = ReportsProvider.publish(many, "certdoctor-report.txt", "report".toByteArray())
        assertEquals("report", many.contentResolver.openInputStream(uri)!!.use { it.reader().readText() })
    }
}
