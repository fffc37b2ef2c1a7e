package app.certdoctor.app

import android.content.ContentResolver
import android.net.Uri
import android.provider.OpenableColumns
import app.certdoctor.Evidence
import app.certdoctor.ffi.InputFile
import java.io.FileNotFoundException
import java.io.IOException

/** Turns `content://` URIs (picked or shared) into evidence read on demand, in chunks. */
object Documents {
    /**
     * The evidence a URI names. Its name and size come from the provider when it answers
     * (a provider that refuses the query, e.g. after the grant was revoked, leaves the name
     * from the URI and an unknown size); opening is deferred to the check, where every
     * failure to read is an [IOException] the core records against this input.
     */
    fun evidence(resolver: ContentResolver, uri: Uri): Evidence {
        var name = uri.lastPathSegment?.substringAfterLast('/')?.takeIf { it.isNotBlank() } ?: "shared-file"
        var size: Long? = null
        try {
            resolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE), null, null, null)?.use { c ->
                if (c.moveToFirst()) {
                    c.getColumnIndex(OpenableColumns.DISPLAY_NAME).takeIf { it >= 0 && !c.isNull(it) }?.let { name = c.getString(it) }
                    c.getColumnIndex(OpenableColumns.SIZE).takeIf { it >= 0 && !c.isNull(it) }?.let { size = c.getLong(it) }
                }
            }
        } catch (e: RuntimeException) {
            // SecurityException (no grant), IllegalArgumentException (a provider that does
            // not know the URI) …: the name stays the URI's; opening will say what is wrong.
        }
        val shown = name
        return Evidence(shown, size?.takeIf { it >= 0 }) {
            try {
                resolver.openInputStream(uri) ?: throw FileNotFoundException("$shown cannot be opened")
            } catch (e: SecurityException) {
                throw IOException("no permission to read $shown", e)
            } catch (e: IllegalArgumentException) {
                throw IOException("$shown cannot be opened: ${e.message}", e)
            }
        }
    }

    /** Text shared as EXTRA_TEXT (e.g. log lines pasted into a chat and shared on). */
    fun sharedText(text: String): Evidence = Evidence.of(InputFile("shared-text.log", text.toByteArray()))
}
