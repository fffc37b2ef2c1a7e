package app.certdoctor

import java.io.File
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * No name the app can see (generated bindings or this library) may be a Kotlin keyword (usable
 * only in backticks) or shadow a Kotlin/Java standard type.
 */
class NamingTest {
    private val hardKeywords = setOf(
        "as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in",
        "interface", "is", "null", "object", "package", "return", "super", "this", "throw",
        "true", "try", "typealias", "typeof", "val", "var", "when", "while",
    )

    private val stdlibTypes = setOf(
        "Any", "Array", "Boolean", "Byte", "Char", "CharSequence", "Collection", "Comparable",
        "Double", "Enum", "Error", "Exception", "Float", "Function", "Int", "Iterable", "Iterator",
        "Lazy", "List", "Long", "Map", "MutableList", "MutableMap", "MutableSet", "Nothing",
        "Number", "Pair", "Result", "Sequence", "Set", "Short", "String", "Throwable", "Triple",
        "UByte", "UInt", "ULong", "UShort", "Unit", "Duration", "Regex", "Metadata", "Deprecated",
        "Object", "Class", "Thread", "Runnable", "Exception", "RuntimeException", "Record",
        "Override", "Module", "Process", "System", "Math", "Void", "Integer", "Character",
        "InputStream", "OutputStream", "File", "Path", "Optional", "KeyStore", "Certificate",
    )

    private val declaration = Regex(
        """^\s*(?:(?:public|internal|private|protected|data|enum|sealed|open|abstract|override|inline|value|annotation|companion|const|lateinit|operator|suspend)\s+)*(class|interface|object|fun|val|var|typealias)\s+(?:<[^>]*>\s*)?(?:[A-Za-z_][A-Za-z0-9_<>, ?]*\.)?(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)""",
    )

    private val enumEntry = Regex("""^\s*([A-Z][A-Z0-9_]*)\s*[,;(]?\s*$""")

    private fun declaredNames(file: File): List<Pair<String, String>> =
        file.readLines().mapNotNull { line -> declaration.find(line)?.let { it.groupValues[1] to it.groupValues[2] } }

    private fun kotlinFiles(property: String): List<File> {
        val root = File(System.getProperty(property) ?: error("system property $property is not set"))
        return root.walkTopDown().filter { it.isFile && it.extension == "kt" }.toList()
    }

    @Test
    fun noVisibleNameClashesWithAKeywordOrAStandardType() {
        val files = kotlinFiles("certdoctor.generated") + kotlinFiles("certdoctor.sources")
        assertTrue("no Kotlin files found", files.isNotEmpty())
        val problems = mutableListOf<String>()
        var checked = 0
        for (file in files) {
            for ((kind, raw) in declaredNames(file)) {
                checked++
                // uniffi puts every record field in backticks; only a keyword inside them is a clash.
                val name = raw.trim('`')
                if (name in hardKeywords) problems += "${file.name}: $kind $raw is a keyword"
                if (kind in setOf("class", "interface", "object", "typealias") && name in stdlibTypes) {
                    problems += "${file.name}: $kind $name shadows a standard type"
                }
            }
            for (line in file.readLines()) {
                val entry = enumEntry.find(line)?.groupValues?.get(1) ?: continue
                if (entry.lowercase() in hardKeywords) problems += "${file.name}: enum entry $entry"
            }
        }
        assertTrue("only $checked declarations found", checked > 50)
        assertTrue(problems.joinToString("\n"), problems.isEmpty())
    }
}
