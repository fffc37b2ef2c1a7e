package app.certdoctor.app

import android.content.Intent
import android.net.Uri
import android.widget.Button
import android.widget.TextView
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.shadows.ShadowAlertDialog

/** A phone set to Traditional Chinese (Taiwan): the app's words and the report's language. */
@RunWith(RobolectricTestRunner::class)
@Config(application = SteppedApp::class, qualifiers = "zh-rTW")
class TraditionalChineseTest {
    private val app get() = RuntimeEnvironment.getApplication() as SteppedApp
    private lateinit var files: FixtureProvider

    @Before
    fun setUp() {
        files = FixtureProvider.install()
    }

    private fun sharedAndChecked(name: String): MainActivity {
        val uri = files.serve(fixture(name))
        val activity = Robolectric.buildActivity(MainActivity::class.java, Intent(Intent.ACTION_SEND).putExtra(Intent.EXTRA_STREAM, uri))
            .setup().get()
        settle(app.steps)
        return activity
    }

    @Test
    fun theScreenSpeaksTraditionalChinese() {
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        assertEquals("檢查憑證", activity.view<Button>(R.id.check).text.toString())
        assertEquals("加入記錄檔或憑證檔案", activity.view<Button>(R.id.add_files).text.toString())
        assertTrue(activity.view<TextView>(R.id.intro).text.startsWith("檢查您的工作憑證"))
        val checked = sharedAndChecked("omadm-pkistatus-failure.log")
        assertEquals("您的憑證未能送達", checked.view<TextView>(R.id.verdict_words).text.toString())
        assertEquals("結果：您的憑證未能送達", checked.view<android.view.View>(R.id.verdict_card).contentDescription.toString())
        assertEquals("下一步", checked.view<TextView>(R.id.next_action_label).text.toString())
    }

    @Test
    fun theReportIsTheCoresZhHantReport() {
        val log = fixture("omadm-pkistatus-failure.log")
        val activity = sharedAndChecked(log.name)
        val expected = coreReport("zh-Hant", log)
        assertEquals("zh-Hant", expected.lang)
        assertEquals(expected.summary, activity.view<TextView>(R.id.summary).text.toString())
        assertEquals(expected.nextAction, activity.view<TextView>(R.id.next_action).text.toString())
        // Different words from the English report: the language really changed.
        assertTrue(expected.summary != coreReport("en", log).summary)
        activity.view<Button>(R.id.share).performClick()
        val dialog = ShadowAlertDialog.getLatestAlertDialog()
        assertEquals(listOf("電子郵件（HTML）", "聊天訊息（文字）", "給支援人員的壓縮檔（zip）"), shadowOf(dialog).items.map { it.toString() })
        shadowOf(dialog).clickOnItem(1)
        settle(app.steps)
        val chooser = shadowOf(activity).nextStartedActivity
        assertEquals("分享報告", chooser.getCharSequenceExtra(Intent.EXTRA_TITLE).toString())
        val send = chooser.getParcelableExtra(Intent.EXTRA_INTENT, Intent::class.java)!!
        assertEquals("憑證檢查報告", send.getStringExtra(Intent.EXTRA_SUBJECT))
        val uri = send.getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java)!!
        val text = activity.contentResolver.openInputStream(uri)!!.use { it.readBytes() }.toString(Charsets.UTF_8)
        assertTrue(text, fold(text).contains(fold(expected.summary)))
        assertTrue(text, expected.findings.all { fold(text).contains(fold(it.title)) })
    }
}
