package app.certdoctor.app

import android.content.ClipData
import android.content.Context
import android.content.Intent
import androidx.core.content.FileProvider
import app.certdoctor.SharePayload
import java.io.File

/** ACTION_SEND for a rendered report, through the FileProvider (res/xml/file_paths.xml). */
object ReportSharing {
    fun intent(context: Context, payload: SharePayload, subject: String): Intent {
        val dir = File(context.cacheDir, "reports").apply { mkdirs() }
        val file = File(dir, payload.fileName)
        file.writeBytes(payload.bytes)
        val uri = FileProvider.getUriForFile(context, context.packageName + ".reports", file)
        return Intent(Intent.ACTION_SEND).apply {
            type = payload.mimeType
            putExtra(Intent.EXTRA_STREAM, uri)
            putExtra(Intent.EXTRA_SUBJECT, subject)
            // Chat apps take the text itself; mail apps attach the file.
            if (payload.mimeType == "text/plain") payload.text?.let { putExtra(Intent.EXTRA_TEXT, it) }
            clipData = ClipData.newRawUri(payload.fileName, uri)
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
    }
}
