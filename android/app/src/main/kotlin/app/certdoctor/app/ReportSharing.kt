package app.certdoctor.app

import android.content.ClipData
import android.content.Context
import android.content.Intent
import app.certdoctor.SharePayload

/** ACTION_SEND for a rendered report, served by the app's [ReportsProvider]. */
object ReportSharing {
    /** Writes [payload] to the shared folder and returns the send intent (wrap it in a chooser). */
    fun intent(context: Context, payload: SharePayload, subject: String): Intent {
        val uri = ReportsProvider.publish(context, payload.fileName, payload.bytes)
        return Intent(Intent.ACTION_SEND).apply {
            type = payload.mimeType
            putExtra(Intent.EXTRA_STREAM, uri)
            putExtra(Intent.EXTRA_SUBJECT, subject)
            // Chat apps take the text itself; mail apps attach the file.
            if (payload.mimeType == "text/plain") payload.text?.let { putExtra(Intent.EXTRA_TEXT, it) }
            // The grant travels with the ClipData (Intent.createChooser carries both over).
            clipData = ClipData.newRawUri(payload.fileName, uri)
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }
    }
}
