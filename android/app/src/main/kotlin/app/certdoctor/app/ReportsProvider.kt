package app.certdoctor.app

import android.content.ContentProvider
import android.content.ContentValues
import android.content.Context
import android.content.pm.ProviderInfo
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import java.io.File
import java.io.FileNotFoundException

/**
 * Hands the reports the app wrote for sharing (`cache/reports/`) to the app the user shares
 * them with: `content://<package>.reports/<file name>`, read-only, one folder deep. Anything
 * else is refused: another folder, `..` or an encoded `/` in the name, a hidden file, a link
 * that leads out of the folder, a file that is not there, writing. Not exported: a reader
 * gets in only through the URI grant of the share intent (FLAG_GRANT_READ_URI_PERMISSION).
 *
 * The app's own small FileProvider: androidx.core is not reachable for the host build, and
 * the app needs one folder of it.
 */
class ReportsProvider : ContentProvider() {
    override fun attachInfo(context: Context, info: ProviderInfo) {
        super.attachInfo(context, info)
        // As androidx's FileProvider: only grants open it, never a plain query from any app.
        if (info.exported) throw SecurityException("ReportsProvider must not be exported")
        if (!info.grantUriPermissions) throw SecurityException("ReportsProvider must grant URI permissions")
    }

    override fun onCreate(): Boolean = true

    override fun getType(uri: Uri): String? = resolve(uri)?.let { mimeType(it.name) }

    /** [OpenableColumns.DISPLAY_NAME] and [OpenableColumns.SIZE], the two columns receivers ask for. */
    override fun query(
        uri: Uri,
        projection: Array<out String>?,
        selection: String?,
        selectionArgs: Array<out String>?,
        sortOrder: String?,
    ): Cursor? {
        val file = resolve(uri) ?: return null
        val columns = (projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE))
            .filter { it == OpenableColumns.DISPLAY_NAME || it == OpenableColumns.SIZE }
            .distinct()
        val cursor = MatrixCursor(columns.toTypedArray(), 1)
        cursor.addRow(columns.map { if (it == OpenableColumns.DISPLAY_NAME) file.name else file.length() })
        return cursor
    }

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        if (mode != "r") throw SecurityException("the shared reports are read-only (mode \"$mode\")")
        val file = resolve(uri) ?: throw FileNotFoundException("not a shared report: $uri")
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.MODE_READ_ONLY)
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri? =
        throw UnsupportedOperationException("the shared reports are read-only")

    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("the shared reports are read-only")

    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("the shared reports are read-only")

    /** The file [uri] names, or null when it is not a report in the folder. */
    private fun resolve(uri: Uri): File? {
        val context = context ?: return null
        if (uri.scheme != "content" || uri.authority != authority(context)) return null
        // Decoded segments: `..%2F..%2Fshared_prefs` arrives as one segment holding slashes.
        val name = uri.pathSegments.singleOrNull() ?: return null
        if (!PLAIN_NAME.matches(name)) return null
        val folder = directory(context).canonicalFile
        // Canonical: a link inside the folder that points elsewhere is refused.
        val file = File(folder, name).canonicalFile
        return file.takeIf { it.parentFile == folder && it.isFile }
    }

    companion object {
        /** The folder under the cache that holds what the app shares. */
        const val FOLDER = "reports"

        /** A file name of the folder: letters, digits, `.`, `_`, `-`; not starting with a dot. */
        private val PLAIN_NAME = Regex("[A-Za-z0-9][A-Za-z0-9._-]{0,254}")

        /** The provider's authority, `${applicationId}.reports` in the manifest. */
        fun authority(context: Context): String = context.packageName + ".reports"

        fun directory(context: Context): File = File(context.cacheDir, FOLDER)

        /**
         * Writes [bytes] to the shared folder as [name] (replacing an earlier file of that
         * name) and returns the URI that serves it.
         */
        fun publish(context: Context, name: String, bytes: ByteArray): Uri {
            require(PLAIN_NAME.matches(name)) { "not a plain file name: $name" }
            val folder = directory(context).apply { mkdirs() }
            File(folder, name).writeBytes(bytes)
            return uriOf(context, name)
        }

        fun uriOf(context: Context, name: String): Uri =
            Uri.Builder().scheme("content").authority(authority(context)).appendPath(name).build()

        /** The type a receiver is told, from the file's extension. */
        fun mimeType(name: String): String = when (name.substringAfterLast('.', "").lowercase()) {
            "html", "htm" -> "text/html"
            "txt" -> "text/plain"
            "json" -> "application/json"
            "zip" -> "application/zip"
            else -> "application/octet-stream"
        }
    }
}
