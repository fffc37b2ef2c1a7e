// "Test the SCEP server" from the device's own network: the two read-only SCEP requests
// (GetCACaps, GetCACert; GET only, never PKIOperation) made with URLSession, the answers
// and the TLS chain the server sent handed to the core, which decides. Bounded: the
// timeout for each request, at most the plan's redirects (never https to http, by the
// core's rule), bodies read to the plan's cap + 1 byte; an ephemeral session without
// cookies, credentials or cache.
import Foundation
import Security

public struct ScepProbe: Sendable {
    /// Seconds each request may take in all.
    public let timeout: TimeInterval

    public init(timeout: TimeInterval = 15) {
        self.timeout = timeout
    }

    /// Probes `url` (the SCEP URL of the profile) and returns the probe's report.
    public func probe(url: String, expectedCaThumbprint: String? = nil,
                      options: DiagnoseOptions = CertDoctor.options()) async throws -> Report {
        let input = try await collect(url: url, expectedCaThumbprint: expectedCaThumbprint)
        return try await Task.detached(priority: .userInitiated) {
            try CertDoctorKit.probeReport(input: input, options: options)
        }.value
    }

    /// Makes the requests and returns what the core needs, for `diagnoseWithProbe`.
    /// Throws `CertdoctorError.InvalidOption` when `url` is not a SCEP URL.
    public func collect(url: String, expectedCaThumbprint: String? = nil) async throws -> ProbeInput {
        let plan = try CertDoctorKit.probePlan(url: url)
        var exchanges: [ProbeExchange] = []
        for request in plan.requests {
            let made = await follow(request.operation, from: request.url,
                                    cap: Int(plan.maxBodyBytes), maxRedirects: Int(plan.maxRedirects))
            exchanges.append(contentsOf: made)
            // No connection at all: the next operation would fail the same way.
            if made.last?.failure != nil { break }
        }
        return ProbeInput(url: plan.baseUrl, expectedCaThumbprint: expectedCaThumbprint, exchanges: exchanges)
    }

    /// The SCEP URL of the latest device request in the files, to offer for a probe.
    public static func urlFromEvidence(fileURLs: [URL], options: DiagnoseOptions = CertDoctor.options()) async throws -> String? {
        try await Task.detached(priority: .userInitiated) {
            let session = try DiagnosisSession(options: options)
            try ScepProbe.feed(session, fileURLs)
            return try session.scepUrl()
        }.value
    }

    /// One report of the files and a probe: the probe's findings, CA and RA certificates
    /// and its `probe` object join the diagnosis, redacted once.
    public static func diagnoseWithProbe(fileURLs: [URL], probe: ProbeInput,
                                         options: DiagnoseOptions = CertDoctor.options()) async throws -> Report {
        try await Task.detached(priority: .userInitiated) {
            let session = try DiagnosisSession(options: options)
            try ScepProbe.feed(session, fileURLs)
            try session.addProbe(input: probe)
            return try session.finish()
        }.value
    }

    private static func feed(_ session: DiagnosisSession, _ fileURLs: [URL]) throws {
        for url in fileURLs {
            let sink = try session.beginInput(name: url.lastPathComponent)
            do {
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
                    try sink.push(chunk: chunk)
                }
            } catch let error as CertdoctorError {
                throw error
            } catch {
                try sink.readFailed(message: "read error: \(error.localizedDescription)")
            }
            try sink.finishInput()
        }
    }

    private func follow(_ operation: ProbeOperation, from start: String, cap: Int, maxRedirects: Int) async -> [ProbeExchange] {
        var out: [ProbeExchange] = []
        var url = start
        while true {
            let e = await exchange(operation, url: url, cap: cap)
            out.append(e)
            guard let status = e.status, (300...399).contains(Int(status)), let location = e.location,
                  out.count <= maxRedirects,
                  let next = try? CertDoctorKit.probeFollowRedirect(from: url, location: location, followed: UInt32(out.count - 1))
            else { return out }
            url = next
        }
    }

    /// One GET, no redirect followed.
    private func exchange(_ operation: ProbeOperation, url: String, cap: Int) async -> ProbeExchange {
        let started = Date()
        let https = url.lowercased().hasPrefix("https://")
        func millis() -> UInt64 { UInt64(max(0, Date().timeIntervalSince(started) * 1000)) }
        func failed(_ failure: ProbeFailure, _ error: String, _ chain: [Data]) -> ProbeExchange {
            ProbeExchange(operation: operation, url: url, millis: millis(), status: nil, contentType: nil,
                          location: nil, body: Data(), truncated: false, failure: failure, error: error,
                          tls: https, tlsPeerChain: chain, tlsProtocol: nil)
        }
        guard let target = URL(string: url) else {
            return failed(.other, "not a URL", [])
        }
        let host = (target.host ?? "").lowercased()
        if host == "invalid" || host.hasSuffix(".invalid") {
            // RFC 6761: a name under .invalid never resolves; no lookup is made.
            return failed(.dns, "\(host): a reserved name that never resolves (RFC 6761)", [])
        }
        let config = URLSessionConfiguration.ephemeral
        config.httpCookieStorage = nil
        config.httpShouldSetCookies = false
        config.urlCredentialStorage = nil
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        config.waitsForConnectivity = false
        let recorder = Recorder(cap: cap)
        let session = URLSession(configuration: config, delegate: recorder, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: target)
        request.httpMethod = "GET"
        await recorder.run(session.dataTask(with: request))

        if let response = recorder.response, recorder.error == nil || recorder.truncated {
            return ProbeExchange(operation: operation, url: url, millis: millis(), status: UInt16(clamping: response.statusCode),
                                 contentType: response.value(forHTTPHeaderField: "Content-Type"),
                                 location: response.value(forHTTPHeaderField: "Location"),
                                 body: recorder.body, truncated: recorder.truncated, failure: nil, error: nil,
                                 tls: https, tlsPeerChain: recorder.chain, tlsProtocol: nil)
        }
        let error = recorder.error ?? URLError(.unknown)
        return failed(Self.classify(error, trustError: recorder.trustError), error.localizedDescription, recorder.chain)
    }

    /// The failure class of a URLSession error, refined by the trust evaluation's error.
    static func classify(_ error: Error, trustError: CFError?) -> ProbeFailure {
        let trustCode = trustError.map { CFErrorGetCode($0) }
        switch (error as? URLError)?.code {
        case .cannotFindHost?, .dnsLookupFailed?:
            return .dns
        case .cannotConnectToHost?, .networkConnectionLost?, .notConnectedToInternet?, .resourceUnavailable?:
            return .connect
        case .timedOut?:
            return .timeout
        case .serverCertificateHasBadDate?, .serverCertificateNotYetValid?, .serverCertificateUntrusted?,
             .serverCertificateHasUnknownRoot?, .secureConnectionFailed?, .clientCertificateRejected?,
             .clientCertificateRequired?:
            guard let code = trustCode else {
                return (error as? URLError)?.code == .serverCertificateHasBadDate ? .tlsExpired : .tlsHandshake
            }
            if code == Int(errSecCertificateExpired) { return .tlsExpired }
            if code == Int(errSecCertificateNotValidYet) { return .tlsNotYetValid }
            if code == Int(errSecHostNameMismatch) { return .tlsWrongHost }
            if code == Int(errSecCertificateRevoked) { return .tlsRevoked }
            return .tlsUntrusted
        case .badServerResponse?, .cannotParseResponse?:
            return .protocol
        default:
            return .other
        }
    }
}

/// The delegate of one request: keeps the answer (to the cap + 1 byte), refuses to follow
/// redirects and to give credentials, and records the chain the server sent and how the
/// system's trust evaluation judged it before letting the system decide.
private final class Recorder: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let cap: Int
    var response: HTTPURLResponse?
    var body = Data()
    var truncated = false
    var chain: [Data] = []
    var trustError: CFError?
    var error: Error?
    private var done: CheckedContinuation<Void, Never>?

    init(cap: Int) {
        self.cap = cap
    }

    func run(_ task: URLSessionDataTask) async {
        await withCheckedContinuation { continuation in
            done = continuation
            task.resume()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        // The probe follows redirects itself, by the core's rule.
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        guard challenge.protectionSpace.authenticationMethod == NSURLAuthenticationMethodServerTrust,
              let trust = challenge.protectionSpace.serverTrust else {
            // Never a credential or a client certificate.
            completionHandler(.rejectProtectionSpace, nil)
            return
        }
        if let certificates = SecTrustCopyCertificateChain(trust) as? [SecCertificate] {
            chain = certificates.map { SecCertificateCopyData($0) as Data }
        }
        var evaluation: CFError?
        if !SecTrustEvaluateWithError(trust, &evaluation) {
            trustError = evaluation
        }
        completionHandler(.performDefaultHandling, nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        self.response = response as? HTTPURLResponse
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        body.append(data)
        if body.count > cap {
            truncated = true
            body = body.prefix(cap)
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        self.error = error
        done?.resume()
        done = nil
    }
}
