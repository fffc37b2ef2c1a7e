// SecTrust over the certificates the user provided: does this iPhone trust each one, given
// the others as intermediates? Shown next to the report as extra evidence; the verdict stays
// the core's.
import Foundation
import Security

struct TrustResult: Identifiable {
    let id = UUID()
    let file: String
    let subject: String
    let trusted: Bool
    let reason: String?
}

enum TrustEvaluation {
    static let certificateExtensions: Set<String> = ["cer", "crt", "der", "pem"]

    static func evaluate(files: [URL]) -> [TrustResult] {
        var loaded: [(file: String, cert: SecCertificate)] = []
        for url in files where certificateExtensions.contains(url.pathExtension.lowercased()) {
            guard let data = try? Data(contentsOf: url) else { continue }
            for der in derBlocks(data) {
                if let cert = SecCertificateCreateWithData(nil, der as CFData) {
                    loaded.append((url.lastPathComponent, cert))
                }
            }
        }
        return loaded.enumerated().map { index, item in
            let others = loaded.enumerated().filter { $0.offset != index }.map { $0.element.cert }
            let subject = (SecCertificateCopySubjectSummary(item.cert) as String?) ?? item.file
            var trust: SecTrust?
            let status = SecTrustCreateWithCertificates(([item.cert] + others) as CFArray, SecPolicyCreateBasicX509(), &trust)
            guard status == errSecSuccess, let trust else {
                return TrustResult(file: item.file, subject: subject, trusted: false, reason: "SecTrustCreateWithCertificates: \(status)")
            }
            var error: CFError?
            let ok = SecTrustEvaluateWithError(trust, &error)
            let reason = error.map { CFErrorCopyDescription($0) as String }
            return TrustResult(file: item.file, subject: subject, trusted: ok, reason: reason)
        }
    }

    /// DER as is, or every PEM CERTIFICATE block decoded.
    private static func derBlocks(_ data: Data) -> [Data] {
        guard let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE-----") else {
            return [data]
        }
        var blocks: [Data] = []
        for part in text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst() {
            guard let body = part.components(separatedBy: "-----END CERTIFICATE-----").first else { continue }
            let base64 = body.components(separatedBy: .whitespacesAndNewlines).joined()
            if let der = Data(base64Encoded: base64) {
                blocks.append(der)
            }
        }
        return blocks
    }
}
