package app.certdoctor.app

import android.content.ContentResolver
import android.net.Uri
import android.provider.OpenableColumns
import app.certdoctor.Evidence
import app.certdoctor.ffi.InputFile
import java.io.FileNotFoundException

/** Turns `content://` URIs (picked or shared) into evidence read on demand, in chunks. */
object Documents {
    fun evidence(resolver: ContentResolver, uri: Uri): Evidence {
        var name = uri.lastPathSegment?.substringAfterLast('/') ?: "shared-file"
        var size: Long? = null
        resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE), null, null, null)?.use { c ->
            if (c.moveToFirst()) {
                c.getColumnIndex(OpenableColumns.DISPLAY_NAME).takeIf { it >= 0 && !c.isNull(it) }?.let { name = c.getString(it) }
                c.getColumnIndex(OpenableColumns.SIZE).takeIf { it >= 0 && !c.isNull(it) }?.let { size = c.getLong(it) }
            }
        }
        return Evidence(name, size) {
            resolver.openInputStream(uri) ?: throw FileNotFoundException("cannot open $name")
        }
    }

    /** Text shared as EXTRA_TEXT (e.g. log lines pasted into a chat and shared on). */
    fun sharedText(text: String): Evidence = Evidence.of(InputFile("shared-text.log", text.toByteArray()))
}
