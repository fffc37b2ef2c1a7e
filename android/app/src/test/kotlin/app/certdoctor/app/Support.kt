package app.certdoctor.app

import android.app.Activity
import android.content.ContentProvider
import android.content.ContentValues
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.Looper
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import android.view.View
import android.view.ViewGroup
import android.widget.TextView
import app.certdoctor.CertDoctor
import app.certdoctor.ffi.InputFile
import app.certdoctor.ffi.Report
import java.io.File
import java.io.FileNotFoundException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.Executor
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf

/** The app with a background thread the test steps: each task runs when the test says so. */
class SteppedApp : CertDoctorApp() {
    val steps = Steps()
    override val background: Executor get() = steps
}

/** An executor that queues; [runNext] runs the oldest task on the calling (test) thread. */
class Steps : Executor {
    private val queue = ConcurrentLinkedQueue<Runnable>()

    /** Tasks run so far: a second diagnosis shows up here. */
    var ran = 0
        private set

    val pending: Int get() = queue.size

    override fun execute(command: Runnable) {
        queue += command
    }

    fun runNext() {
        val task = queue.poll() ?: throw AssertionError("no background task is waiting")
        ran++
        task.run()
    }
}

/** Runs background tasks and main-thread messages until neither has any left. */
fun settle(steps: Steps) {
    val main = shadowOf(Looper.getMainLooper())
    while (true) {
        main.idle()
        if (steps.pending == 0) return
        steps.runNext()
    }
}

/**
 * A document provider of the test's own, standing for the app that shares into CertDoctor
 * (Company Portal, Files): it serves real files with their display name and size, and can
 * refuse a URI as a provider does once its grant is gone.
 */
class FixtureProvider : ContentProvider() {
    private val files = ConcurrentHashMap<String, File>()
    private val refused = ConcurrentHashMap.newKeySet<String>()

    fun serve(file: File, name: String = file.name): Uri {
        files[name] = file
        return uri(name)
    }

    fun refuse(name: String): Uri {
        refused += name
        return uri(name)
    }

    override fun onCreate(): Boolean = true

    override fun getType(uri: Uri): String = "text/plain"

    override fun query(
        uri: Uri,
        projection: Array<out String>?,
        selection: String?,
        selectionArgs: Array<out String>?,
        sortOrder: String?,
    ): Cursor {
        val name = uri.lastPathSegment!!
        if (name in refused) throw SecurityException("Permission Denial: reading $uri")
        val file = files[name] ?: throw IllegalArgumentException("unknown $uri")
        return MatrixCursor(arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE)).apply {
            addRow(arrayOf<Any>(name, file.length()))
        }
    }

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        val name = uri.lastPathSegment!!
        if (name in refused) throw SecurityException("Permission Denial: opening $uri")
        val file = files[name] ?: throw FileNotFoundException("unknown $uri")
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.MODE_READ_ONLY)
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri = throw UnsupportedOperationException()

    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException()

    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException()

    companion object {
        const val AUTHORITY = "app.certdoctor.test.files"

        fun uri(name: String): Uri = Uri.parse("content://$AUTHORITY/$name")

        fun install(): FixtureProvider = Robolectric.setupContentProvider(FixtureProvider::class.java, AUTHORITY)
    }
}

/** A view of the screen (findViewById is @Nullable in the framework). */
fun <T : View> Activity.view(id: Int): T = checkNotNull(findViewById<T>(id)) { "no view ${resources.getResourceEntryName(id)}" }

fun <T : View> View.view(id: Int): T = checkNotNull(findViewById<T>(id)) { "no view ${resources.getResourceEntryName(id)}" }

/** A Company Portal log of tests/fixtures/android (`-Dcertdoctor.fixtures`). */
fun fixture(name: String): File {
    val dir = System.getProperty("certdoctor.fixtures") ?: error("system property certdoctor.fixtures is not set")
    return File(dir, name).also { check(it.isFile) { "no fixture $it" } }
}

/** A folder for files a test makes (`-Dcertdoctor.scratch`). */
fun scratch(name: String): File {
    val dir = File(System.getProperty("certdoctor.scratch") ?: error("system property certdoctor.scratch is not set"))
    return File(dir, name).also { dir.mkdirs() }
}

/** The core's own answer for these files, straight through the bindings (what the screen must show). */
fun coreReport(lang: String, vararg files: File): Report =
    app.certdoctor.ffi.diagnose(files.map { InputFile(it.name, it.readBytes()) }, CertDoctor.options(lang = lang))

/** Whitespace folded, for text the report layouts wrap. */
fun fold(text: CharSequence): String = text.toString().replace(Regex("\\s+"), " ").trim()

/**
 * The views a screen reader stops on that have nothing to say: shown views not hidden from
 * accessibility that are a text view, an image, a progress bar, a button, or a focusable
 * group read as one item (its children hidden from accessibility), each without text or
 * content description. (TalkBack asks for views of "auto" importance too.)
 */
fun silentViews(root: View): List<String> {
    val silent = ArrayList<String>()
    fun hidden(view: View) = view.importantForAccessibility == View.IMPORTANT_FOR_ACCESSIBILITY_NO ||
        view.importantForAccessibility == View.IMPORTANT_FOR_ACCESSIBILITY_NO_HIDE_DESCENDANTS
    fun visit(view: View) {
        if (view.visibility != View.VISIBLE) return
        if (view.importantForAccessibility == View.IMPORTANT_FOR_ACCESSIBILITY_NO_HIDE_DESCENDANTS) return
        val group = view as? ViewGroup
        val children = (0 until (group?.childCount ?: 0)).map { group!!.getChildAt(it) }
        val readAsOne = group != null && view.isFocusable && children.all(::hidden)
        val reached = !hidden(view) && (group == null || readAsOne)
        val words = ((view as? TextView)?.text ?: "").toString() + (view.contentDescription ?: "").toString()
        if (reached && words.isBlank()) {
            val id = if (view.id != View.NO_ID) view.resources.getResourceEntryName(view.id) else "(no id)"
            silent += "${view.javaClass.simpleName} $id"
        }
        children.forEach(::visit)
    }
    visit(root)
    return silent
}
