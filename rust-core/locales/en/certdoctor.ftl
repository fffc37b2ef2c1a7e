# certdoctor — English messages.
# Finding IDs, enum values and JSON keys are never translated; everything a person reads is here.
# Every message must exist in every language (a test checks).

## Verdicts, steps, headings

verdict-delivered = Delivered
verdict-failed = Failed
verdict-action_required = Action required
verdict-in_progress = In progress
verdict-inconclusive = Inconclusive

step-1 = Profile delivered to the device
step-2 = Device contacts NDES
step-3 = Connector verifies the challenge
step-4 = CA issues the certificate
step-5 = Certificate installed on the device
step-6 = Success reported to Intune

severity-error = error
severity-action = action
severity-warning = warning
severity-info = info

heading-title = certdoctor — SCEP certificate delivery report
heading-verdict = Verdict
heading-summary = Summary
heading-next = Next action
heading-findings = Findings
heading-enrollments = Enrollments
heading-certificates = Certificates
heading-chains = Chains
heading-timeline = Timeline
heading-inputs = Inputs
heading-notices = Notices
label-generated = Generated
label-platforms = Platforms
label-step = Step
label-remedy = What to do
label-evidence = Evidence
label-resolved = resolved by later evidence
label-profile = Profile
label-state = State
label-seen = Seen
label-subject = Subject
label-issuer = Issuer
label-valid = Valid
label-role = Role
label-key = Key
label-eku = EKU
label-san = SAN
label-template = Template
label-sources = Sources
label-chain-complete = complete
label-chain-incomplete = incomplete
label-signatures-valid = signatures valid
label-signatures-invalid = signatures NOT valid
label-records = records
label-record-count = { $count ->
        [one] { $count } record
       *[other] { $count } records
    }
label-platform = Platform
label-transaction = Transaction ID
label-none = none
label-more-timeline = { $count } earlier timeline entries beyond the limit of { $limit } are not listed.
label-more-findings = { $count } less severe findings beyond the limit of { $limit } per report are not listed.
label-more-evidence = { $id }: { $count } more pieces of evidence beyond the limit of { $limit } per finding are not listed.
redaction-applied = Personal data was replaced by tokens (kinds: { $kinds }). Run with --no-redact to see the values.
redaction-none = Redaction is on, but no names, addresses or identifiers were found to replace.
redaction-off = Not redacted: this report shows names, addresses and identifiers as logged.

## HTML report and dates

heading-steps = Where delivery stopped
heading-privacy = Privacy
heading-contents = Contents
label-colon = {": "}
label-seen-on = Seen on
label-skip = Skip to the findings
label-step-reached = reached
label-step-failed = stopped here
label-step-waiting = waiting for action
label-step-resolved = recovered later
label-step-not-reached = no evidence
label-step-count = Step { $step } of 6
label-severity = Severity
label-time = Time
label-source = Source
label-event = Event
label-path = Path
label-kind = Kind
label-status = Status
label-error = Message
label-fingerprint = SHA-256 fingerprint
label-serial = Serial number
label-signature = Signature
label-certificate = Certificate
label-chain-path = Chain from the root to the leaf
label-chain-missing = issuer not in the input
label-not-in-input = (not in the input)
label-expired = expired
label-not-yet-valid = not yet valid
label-days-left = { $days ->
        [one] { $days } day left
       *[other] { $days } days left
    }
label-validity-bar = Validity period; the marker shows the time of the report
label-report-time = report time
label-status-ok = read
label-status-error = error
label-status-ignored = ignored
role-root = root CA
role-intermediate = issuing CA
role-leaf = certificate
label-footer = Made by { $tool } { $version }. Finding IDs (such as CERT_EXPIRED) stay the same in every language: quote them to the helpdesk.
date-time = { $day } { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] May
        [6] Jun
        [7] Jul
        [8] Aug
        [9] Sep
        [10] Oct
        [11] Nov
       *[12] Dec
    } { $year } { $hour }:{ $minute } UTC

## Summary and next action

summary-delivered-log = The SCEP certificate of profile { $profile } is installed on the { $platform ->
        [android] Android
        [ios] iOS
        [windows] Windows
       *[other] {""}
    } device (last state: { $state }).
summary-delivered-cert = The client certificate { $name } is present with a complete, valid chain.
summary-failed = Delivery failed at step { $step } ({ $step_name }){ $platform ->
        [android] {" "}on the Android device
        [ios] {" "}on the iOS device
        [windows] {" "}on the Windows device
       *[other] {""}
    }: { $title }.
summary-action = Delivery is waiting at step { $step } ({ $step_name }): { $title }. Someone must act before it can finish.
summary-in-progress = An enrollment was seen but has not finished yet: it reached step { $step } ({ $step_name }), state { $state }.
summary-inconclusive = No SCEP activity or certificate was found in the input.
summary-inconclusive-certs = { $certificates } certificates were read, but none is a client certificate with a complete chain, and no SCEP log activity was found.
next-follow-remedy = Follow the remedy of the first finding.
next-delivered = Nothing to do: the certificate arrived. If Intune still shows an error, check step 6 (NDES reporting to Intune).
next-in-progress = Sync the device again (Company Portal → Check status, or Settings → Accounts → Sync) and collect the logs once more after a few minutes.
next-collect = Collect the MDM client's logs: Android Company Portal → Help → Send logs (OMADM logs), iOS Console log of the process profiled, Windows Event Viewer → DeviceManagement-Enterprise-Diagnostics-Provider → Admin (save as XML), plus the certificates exported from the device.

## Timeline

tl-device-identity = Device and its management enrolment: { $facts }
tl-profile-received = SCEP profile received
tl-root-profile-received = Trusted-root profile received
tl-pending-requests = { $count ->
        [one] 1 certificate request pending
       *[other] { $count } certificate requests pending
    }
tl-enrollment-attempt = Enrollment attempt for { $profile }
tl-scep-request = { $operation } request sent
tl-scep-http-response = { $operation } answered { $status } { $reason }
tl-transport-error = No answer from the SCEP server: { $cause }
tl-invalid-response = Unusable reply from the SCEP server: { $cause }
tl-capabilities = CA capabilities problem: { $cause }
tl-csr-built = Certificate request (CSR) built
tl-poll-built = Poll for a pending request (GetCertInitial) built
tl-certrep = CertRep pkiStatus={ $status }
tl-certrep-failinfo = CertRep pkiStatus={ $status } failInfo={ $fail_info }
tl-scep-state = SCEP certificate state { $from } → { $to }
tl-root-state = Root certificate state { $from } → { $to }
tl-installed = Certificate installed
tl-install-error = Error reported by the device: { $cause }
tl-rolled-back = Profile installation rolled back
tl-result-reported = Result reported to the MDM service
tl-dependent-waiting = Profile { $profile } waits for its certificate
tl-dependent-applied = Profile { $profile } applied
tl-cert-selection = Certificate selection: { $matched } matched, { $excluded } excluded
tl-cert-excluded = Certificate excluded from selection
tl-enrollment-failed = The MDM client reported a failed enrollment

## Finding details

detail-scep-http-status = The { $operation } request to { $host } was answered with HTTP { $status } { $reason }.
detail-scep-transport = The device could not reach the SCEP server{ $operation ->
        [GetCACert] {" "}(GetCACert)
        [GetCACaps] {" "}(GetCACaps)
        [PKIOperation] {" "}(PKIOperation)
       *[other] {""}
    }: { $cause }
detail-scep-capabilities = The device could not read the CA capabilities (GetCACaps): { $cause }
detail-scep-no-answer = The { $operation } request got no answer before the device tried again.
detail-scep-invalid-response = The SCEP server answered, but the reply could not be used: { $cause }
detail-scep-rejected = The CA answered pkiStatus=FAILURE{ $fail_info_kind ->
        [badAlg] {" "}with failInfo badAlg: the algorithm is not supported.
        [badMessageCheck] {" "}with failInfo badMessageCheck: the signature or integrity check of the request failed.
        [badRequest] {" "}with failInfo badRequest: the request is not permitted or not supported (often refused by the NDES policy module or the CA template).
        [badTime] {" "}with failInfo badTime: the request's signing time is too far from the CA's clock.
        [badCertId] {" "}with failInfo badCertId: no certificate could be identified for the request.
        [other] {" "}with failInfo { $fail_info }.
       *[none] {"."}
    }
detail-scep-pending = The CA answered pkiStatus=PENDING: the request waits for approval by a CA manager.
detail-platform-error = The device reported { $code }: { $explanation }
detail-install-state-failed = The certificate install state machine reached { $state }.
detail-enrollment-failed = The MDM client reported that enrolling the certificate failed.
detail-profile-rolled-back = The device rolled back the whole profile installation.
detail-install-waiting = The certificate was issued and the device asked to install it (CERT_INSTALL_REQUESTED), but the installation has not started.
detail-access-not-granted = The certificate is installed but the app was not granted access to it (CERT_ACCESS_REQUESTED without CERT_ACCESS_GRANTED).
detail-root-failed = The trusted-root certificate { $root } reached the state { $state }.
detail-root-pending = The trusted-root certificate { $root } waits for installation (CERT_INSTALL_REQUESTED).
detail-profile-waiting = The profile { $profile } is held back until its certificate arrives.
detail-profile-cert-not-selected = No installed certificate matched the profile's criteria ({ $excluded } excluded).
detail-log-gap-start = The log starts in the middle of this enrollment: its first steps are not in the input (rotated or truncated log).
detail-no-evidence = No SCEP log activity, profile or certificate was found in the input.
detail-cert-expired = The certificate { $name } expired on { $not_after }.
detail-cert-not-yet-valid = The certificate { $name } is not valid before { $not_before }.
detail-cert-expiring-soon = The certificate { $name } expires in { $days } days ({ $not_after }).
detail-cert-no-client-auth = The certificate { $name } has an Extended Key Usage without client authentication ({ $ekus }).
detail-cert-weak-key = The certificate { $name } has a weak { $algorithm } key of { $bits } bits.
detail-cert-weak-signature = The certificate { $name } is signed with { $algorithm }.
detail-cert-unparseable = The file { $file } looks like a certificate but could not be decoded: { $reason }
detail-chain-incomplete = No path leads from { $name } to a self-signed root in the input: the issuer { $missing } is missing.
detail-chain-top-not-root = The chain of { $name } ends at { $top }, which is not a root: its Issued To differs from its Issued By ({ $missing }), and that CA is not in the input. A root certificate in Trusted Root Certification Authorities is self-issued.
detail-chain-issuer-mismatch = The Issued By of { $name } ({ $missing }) equals the name of none of the CA certificates given ({ $cas }): the personal certificate's issuer must be the CA's name.
detail-chain-signature-invalid = The signature on { $name } does not verify with the public key of { $issuer }: a different CA with the same name issued it, or it was altered.

## Findings: titles and remedies

finding-cert-expired =
    .title = A certificate has expired
    .remedy = Renew the certificate: for the SCEP certificate, let Intune re-issue it (sync the device; check the profile's renewal threshold); for a CA certificate, renew the CA and deploy the new root/intermediate with a trusted-certificate profile.
finding-cert-not-yet-valid =
    .title = A certificate is not yet valid
    .remedy = Check the device's date and time, and the CA's clock: a certificate valid only in the future usually means one of the clocks is wrong.
finding-cert-expiring-soon =
    .title = The certificate expires soon
    .remedy = Make sure renewal works before the expiry date: the device renews the SCEP certificate when it syncs inside the profile's renewal threshold.
finding-chain-incomplete =
    .title = The certificate chain is incomplete
    .remedy = Deploy the missing CA certificate (root and any intermediate) to the device with a trusted-certificate profile assigned to the same group as the SCEP profile, or add it to the bundle you analyse.
finding-chain-signature-invalid =
    .title = A certificate's signature does not verify
    .remedy = The issuing CA in the bundle is not the one that signed this certificate (for example an old and a renewed CA with the same name). Export the right CA certificate, and check that the trusted-certificate profile carries the current root.
finding-cert-no-client-auth =
    .title = The certificate cannot be used for client authentication
    .remedy = Add Client Authentication to the Extended Key Usage of the SCEP profile in Intune and of the certificate template on the CA, then let the device enrol again.
finding-cert-weak-key =
    .title = The certificate's key is weak
    .remedy = Raise the key size in the SCEP profile and the CA template (RSA at least 2048 bits, EC at least 256 bits).
finding-cert-weak-signature =
    .title = The certificate is signed with a weak algorithm
    .remedy = Move the CA to SHA-256 or better and re-issue; MD5 and SHA-1 signatures are refused by current clients.
finding-cert-unparseable =
    .title = A certificate file could not be read
    .remedy = Export the certificate again as DER (.cer) or Base64 (PEM), or the chain as .p7b, and send the new file.
finding-root-cert-not-installed =
    .title = The trusted root certificate was not installed
    .remedy = Check the trusted-certificate profile: it must be assigned to the same group as the SCEP profile. On Android 11 and later with device administrator, the user installs the root by hand from Settings (Samsung Knox excepted), or the device moves to Android Enterprise.
finding-root-cert-install-pending =
    .title = The trusted root certificate waits for installation
    .remedy = Ask the user to open the Company Portal notification and install the root certificate. On Android 11 and later with device administrator, a profile can no longer install a root: the user installs it from Settings, or the device moves to Android Enterprise. The SCEP profile stays pending until the root arrives.
finding-scep-server-unreachable =
    .title = The device could not reach the SCEP server (NDES)
    .remedy = Check that the NDES URL in the SCEP profile is reachable from the device's network (DNS, firewall, Entra application proxy), that IIS answers GetCACert with 200, and that the TLS certificate of the NDES server is valid and trusted by the device. An HTTP 500 from mscep.dll points to NDES itself: its service account, application pool and RA certificates.
finding-scep-server-invalid-response =
    .title = The SCEP server's answer could not be used
    .remedy = Check NDES: its RA certificates (CEP Encryption, Exchange Enrollment Agent) must be valid and issued by the CA, GetCACert must return the CA and RA certificates, and GetCACaps must list the capabilities. Browse to the NDES URL with operation=GetCACert to see what it returns.
finding-scep-profile-invalid =
    .title = The SCEP profile itself is wrong
    .remedy = Fix the SCEP profile in Intune: key usage (digital signature and/or key encipherment), subject name format and SAN; a challenge or subject with characters PrintableString forbids must change. Then let the device sync.
finding-scep-client-error =
    .title = The device could not create its key or request
    .remedy = Check the key storage provider and key size in the SCEP profile (for example TPM on a device without a usable TPM), free storage on the device, and retry after a restart. If it persists, remove and re-add the profile assignment.
finding-scep-ca-thumbprint-mismatch =
    .title = The CA returned by the server is not the one the profile trusts
    .remedy = In the SCEP profile, select the trusted-certificate profile of the root CA that actually issues through this NDES server; after a CA renewal, update the trusted-certificate profile.
finding-scep-request-rejected =
    .title = The CA or NDES refused the certificate request
    .remedy = { $variant ->
        [ca_template_denied] On the CA server: open the certificate template (Certificate Templates console → the SCEP template → Security) and give the NDES service account Read and Enroll; then let the device retry.
        [ca_admin_denied] On the CA: a certificate manager denied the request. If the template requires CA manager approval, clear "CA certificate manager approval" on the SCEP template (Issuance Requirements), or approve the next request in Pending Requests; then let the device retry.
        [ca_template_unsupported] On the NDES server and the CA: the template name in the NDES registry (HKLM\SOFTWARE\Microsoft\Cryptography\MSCEP: SignatureTemplate, EncryptionTemplate, GeneralPurposeTemplate) must be the template's name (not its display name), and the template must be published on this CA (Certificate Templates → New → Certificate Template to Issue); restart IIS after changing it.
        [ca_subject] On the CA: the request's subject or SAN does not satisfy the template. Check the SCEP profile's subject name and SAN format in Intune against the template's Subject Name tab (supply in the request), and the user's UPN/e-mail attributes.
        [ca_key_length] In Intune: raise the SCEP profile's key size to at least the template's minimum key size (template → Cryptography tab), or lower the template's minimum.
       *[other] On the CA, look at Failed Requests for the reason; check the certificate template (the NDES service account needs Read and Enroll, the template name in the NDES registry must match a published template), the subject and SAN the profile asks for, and the Intune certificate connector's logs for a refused challenge.
    }
finding-scep-request-pending =
    .title = The certificate request waits for CA approval
    .remedy = A CA manager must approve the request (certsrv.msc → Pending Requests → Issue), or the template must stop requiring CA manager approval for SCEP.
finding-scep-install-failed =
    .title = Installing the certificate failed
    .remedy = Look at the quoted error on the device. Remove and re-add the profile assignment to trigger a new enrollment; if it repeats, collect the device logs again with verbose logging.
finding-scep-install-waiting-for-user =
    .title = { $variant ->
        [android_enterprise] The certificate has not been installed yet (silent install)
        [knox] The certificate has not been installed yet (silent install)
       *[other] The certificate waits for the user to install it
    }
    .remedy = { $variant ->
        [android_enterprise] On Android Enterprise the install is silent: a long wait is not the user's fault. Check that the device has a screen-lock PIN (required before SCEP can provision a certificate) and that Company Portal is up to date, then sync.
        [knox] On Samsung Knox the install is silent: a long wait is not the user's fault. Check the Knox license and Company Portal version, then sync.
       *[other] Ask the user to open the Company Portal notification "Install certificate" and accept it (device administrator enrollment needs the user's consent). If the notification is gone, open Company Portal and sync.
    }
finding-scep-access-not-granted =
    .title = The app was not granted access to the certificate
    .remedy = { $variant ->
        [android_enterprise] On Android Enterprise access is granted silently: sync the device and check that Company Portal and the Intune app are up to date.
       *[other] Ask the user to open the Company Portal notification and pick the certificate in the "Choose certificate" dialog, then tap Allow. If the certificate is missing from the chooser, the installation did not finish.
    }
finding-profile-waiting-for-certificate =
    .title = A profile waits for its certificate
    .remedy = Nothing to do on the profile itself: it applies once the SCEP certificate is installed.
finding-profile-certificate-not-selected =
    .title = A profile could not find a matching certificate
    .remedy = Make sure the Wi-Fi, VPN or e-mail profile references the SCEP profile that is actually deployed, and that the certificate's EKU and issuer match what the profile asks for.
finding-log-gap =
    .title = The log does not cover the whole enrollment
    .remedy = Collect the logs again right after reproducing the problem (sync, then send logs at once), so that the start of the enrollment is included.
finding-no-evidence =
    .title = No SCEP evidence was found
    .remedy = { $variant ->
        [right_log] { remedy-no-evidence-right-log }
       *[other] Check that you sent the right files: Company Portal OMADM logs, the iOS profiled log, or the Windows DeviceManagement event export, and the certificates exported from the device.
    }
finding-ndes-service-failed =
    .title = NDES could not serve the device's request
    .remedy = On the NDES server (IIS): start the SCEP application pool and check that its identity, the NDES service account, is valid, not locked and its password current; give IIS_IUSRS "Impersonate a client after authentication" in the local security policy (HTTP 500 with win32 1346); renew expired MSCEP-RA certificates (CEP Encryption, Exchange Enrollment Agent) and restart IIS; raise the request-filtering limits (maxUrl, maxQueryString) for long PKIOperation URLs (414, 404.14, 404.15).
finding-policy-module-failed =
    .title = The Intune policy module or certificate connector gave no verdict
    .remedy = On the NDES server: make sure the Intune certificate connector service runs; the policy module's client-authentication certificate (NDESPolicyModule registry) must be valid, carry the Client Authentication EKU, and chain to a root in Trusted Root CAs only (an intermediate CA in Trusted Roots gives 403.16); the CertificateRegistrationSvc application pool must run and be able to write to C:\Windows\Temp; the NDES TLS certificate must name the host the plug-in calls (WinHTTP 12175); WinHTTP 12029/12002 mean the plug-in cannot reach the certificate registration point.
finding-challenge-rejected =
    .title = The SCEP challenge was refused
    .remedy = The certificate connector on the NDES server checked the challenge and refused it: it was expired, already used, or not issued for this device. Sync the device to get a fresh SCEP profile and challenge; check the NDES server's clock, and that the SCEP profile was not re-assigned or edited while the device was enrolling.
finding-ca-submit-failed =
    .title = NDES could not submit the request to the CA
    .remedy = On the NDES server: the CA must be running and reachable over RPC/DCOM from NDES (firewall, CertSvc service on the CA); the CA name configured for NDES must be right; the NDES service account needs Read and Request Certificates permissions on the CA (CA properties → Security). Fix, then let the device retry.
finding-cert-issued-not-delivered =
    .title = The CA issued the certificate but the device never received it
    .remedy = The certificate is on the CA (Issued Certificates). Check the path back from NDES to the device: Entra application proxy or load balancer timeouts on long PKIOperation responses, and the IIS log on the NDES server for the device's PKIOperation; then sync the device so that it polls again.
finding-scep-result-not-reported =
    .title = The result was not reported to Intune
    .remedy = The certificate may be installed on the device while Intune shows failed or pending. On the NDES server: check that the Intune certificate connector can reach Intune (proxy, TLS inspection), that its connector certificate is valid, and the connector's Notify / upload events; once reporting works the status updates at the next sync.
finding-cert-connector-unhealthy =
    .title = The Intune certificate connector is unhealthy
    .remedy = On the NDES server, open the Certificate Connector for Microsoft Intune: renew or re-enrol its connector certificate if missing or expired (sign in again in the connector UI), make sure the connector service runs, then restart it.

## Server (issue 9): NDES, the certificate connector and the CA

summary-failed-server = Delivery failed at step { $step } ({ $step_name }) on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }: { $title }.
summary-action-server = Delivery is waiting at step { $step } ({ $step_name }) on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }: { $title }. Someone must act before it can finish.
summary-in-progress-server = The servers handled the request up to step { $step } (seen on: { $machines }), but server logs cannot show whether the certificate reached the device.
next-collect-device = Collect the device's logs as well (Android Company Portal OMADM logs, the iOS profiled log, or the Windows DeviceManagement event export) to see steps 5 and 6 on the device.

label-steps = Steps
step-status-ok = ok
step-status-failed = failed
step-status-seen = seen
step-status-not_seen = not seen
machine-device = device
machine-ndes = NDES
machine-connector = connector
machine-ca = CA

detail-server-ndes-http = The NDES server answered { $operation }{ $client ->
        [android] {" "}from an Android device
        [ios] {" "}from an iOS device
        [windows] {" "}from a Windows device
       *[other] {""}
    } with HTTP { $status } (win32 { $win32 }): { $cause ->
        [expl-iis-impersonation] IIS_IUSRS lacks the right "Impersonate a client after authentication".
        [expl-iis-500] NDES failed inside; typically its service account is locked or its password expired, or the MSCEP-RA certificates expired.
        [expl-iis-503] the SCEP application pool is stopped or keeps crashing.
        [expl-iis-url-too-long] the URL or query exceeds the IIS request-filtering limits.
        [expl-iis-404] the path is wrong or the NDES application is missing.
       *[other] NDES could not serve the request.
    }
detail-server-crp-http = The { $call } call from the NDES policy module to the certificate registration point was answered with HTTP { $status } (win32 { $win32 }) on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }: { $cause ->
        [expl-crp-untrusted-client-cert] the certificate registration point does not trust the policy module's client certificate (an intermediate CA in Trusted Root CAs, 0x800B0109).
        [expl-crp-403-500] the policy module's client certificate lacks the Client Authentication EKU or expired, or the CRP application pool cannot write to C:\Windows\Temp.
       *[other] no verdict came back.
    }
detail-server-event = { $machine ->
        [ndes] The NDES server
        [connector] The certificate connector
        [ca] The CA
       *[other] A server
    } reported: { $message }
detail-server-challenge-rejected = { $machine ->
        [ndes] The NDES server
        [connector] The certificate connector
        [ca] The CA
       *[other] A server
    } evaluated the SCEP challenge and refused it: { $message }
detail-server-policy-module = The Intune policy module on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    } got no verdict on the challenge: { $message }
detail-server-ca-submit = The request never reached a CA decision{ $code ->
        [none] {""}
       *[other] {" "}({ $code })
    }: { $message }
detail-server-ca-denied = The CA refused the { $kind ->
        [pkcs] PKCS
       *[other] SCEP
    } request{ $code ->
        [none] {""}
       *[other] {" "}({ $code })
    } (seen on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }): { $message }
detail-server-ca-pending = The CA holds the { $kind ->
        [pkcs] PKCS
       *[other] SCEP
    } request for approval (seen on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }): { $message }
detail-server-notify-failed = { $machine ->
        [ndes] The NDES server
        [connector] The certificate connector
        [ca] The CA
       *[other] A server
    } could not report the result to Intune: { $message }. The certificate may be installed on the device while Intune shows failed or pending.
detail-server-connector-unhealthy = The Intune certificate connector reports a problem not tied to one request: { $message }
detail-server-issued-not-delivered = { $machine ->
        [ndes] The NDES server
        [connector] The certificate connector
        [ca] The CA
       *[other] A server
    } shows the certificate issued for this enrollment, and the device's log runs on for at least 10 minutes afterwards without receiving it; the certificate is not in the device's certificates either.

tl-server-http = { $method } { $what } → HTTP { $status }{ $client ->
        [android] {" "}(Android)
        [ios] {" "}(iOS)
        [windows] {" "}(Windows)
       *[other] {""}
    } on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }
tl-server-ndes-started = The NDES service started
tl-server-ndes-stopped = The NDES service stopped
tl-server-verify-started = The challenge check started on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }
tl-server-request-received = { $machine ->
        [ndes] The NDES server
        [connector] The certificate connector
        [ca] The CA
       *[other] A server
    } received the SCEP request
tl-server-challenge-verified = The challenge was verified on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }
tl-server-challenge-rejected = The challenge was refused on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }
tl-server-ca-decision = CA decision: { $disposition }{ $request ->
        [none] {""}
       *[other] , request { $request }
    }{ $code ->
        [none] {""}
       *[other] {" "}({ $code })
    } (seen on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    })
tl-server-ca-submit-failed = Submission to the CA failed{ $code ->
        [none] {""}
       *[other] {" "}({ $code })
    } (seen on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    })
tl-server-notify-ok = The result was reported to Intune by { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }
tl-server-notify-failed = Reporting the result to Intune failed on { $machine ->
        [ndes] the NDES server
        [connector] the certificate connector
        [ca] the CA
       *[other] a server
    }
tl-server-note = { $machine ->
        [ndes] The NDES server
        [connector] The certificate connector
        [ca] The CA
       *[other] A server
    }: { $cause }

## archives (issue 20)
archive-members-not-listed = { $archive }: { $count } more members hold nothing certdoctor reads; beyond { $limit } such members per archive they are counted here, not listed.
ul-member-unreadable = { $member }: this { $what ->
        [tracev3] log file
        [uuidtext] string file
        [dsc] shared-cache string file
        [timesync] clock file
       *[other] file
    } could not be read, wholly or from some point on ({ $error }); what came before an error was read.
ul-partial-messages = { $archive }: the messages of { $records } records are partial, because string stores of the logarchive are missing ({ $images } image string files, { $caches } shared-cache string files), were not kept ({ $notkept } records) or long messages are missing ({ $oversize } records). Their time, process and subsystem were still read; the evidence may be incomplete.
ul-processes-unknown = { $archive }: the process of { $records } records is unknown (its string file is missing from the logarchive).
ul-times-from-header = { $archive }: the clock file of boot { $boot } is missing; the times of { $records } records come from their log file's header and may be off by the clock's drift.
ul-pending-dropped = { $archive }: { $chunksets } log chunks ({ $bytes } bytes) of processes not yet identified were dropped to stay within the memory limit (their string files had not arrived: the archive lists them after its log files, or lacks them).
ul-formatted-early = { $archive }: to stay within the memory limit, { $files } log files were read before all their string or clock files had arrived, and some of those came later; { $records } of their records may have partial messages or times from the log file's header that reading at the end would have given whole.
ul-never-identified = { $archive }: { $chunksets } log chunks of processes the logarchive never names were not read; records chosen by their subsystem were.
ul-no-string-stores = { $archive }: the logarchive has log files but no string stores (uuidtext, dsc): messages are partial.
ul-no-log-files = { $archive }: the logarchive has string stores but no log file (.tracev3): there is no record to read.

## fragments (issue 21)
## The right log without SCEP activity: which log it is, and the time it covers.

log-kind = { $kind ->
        [android_omadm_log] the device's Company Portal OMADM log
        [ios_profiled_log] the device's profiled log
        [windows_dm_events] the device's DeviceManagement event export
        [iis_w3c_log] the NDES server's IIS log
        [ndes_plugin_log] the NDES policy module log (NDESPlugin.log)
        [intune_connector_svclog] the certificate connector's trace log
        [windows_server_events] the servers' Windows event export
        [ca_request_list] the CA's request list
        [certutil_view] the CA database view (certutil -view)
        [scep_test_client_log] the SCEP test client's output
        [intune_connector_setup_log] the certificate connector's setup log
        [ios_unified_log] the device's unified log (sysdiagnose)
        [ios_profile_state] the device's profile state (sysdiagnose)
        [windows_mdm_diag_report] the device's MDM diagnostics report
       *[other] several logs
    }
time-range = { $range ->
        [span] {" "}(from { $from } to { $to })
        [one] {" "}(at { $from })
       *[none] {""}
    }
detail-no-evidence-right-log = { $logs ->
        [one] This is the right log, { log-kind }, but it holds no SCEP activity in its time range{ time-range }.
       *[other] These are the right logs ({ log-kind }), but they hold no SCEP activity in their time ranges{ time-range }.
    }
summary-inconclusive-right-log = { $logs ->
        [one] This is the right log, { log-kind }, but it holds no SCEP activity in its time range{ time-range }: it was collected before or after the enrollment.
       *[other] These are the right logs ({ log-kind }), but they hold no SCEP activity in their time ranges{ time-range }: they were collected before or after the enrollment.
    }
remedy-no-evidence-right-log = Collect the same log again so that it covers the enrollment: on the device, sync (Company Portal → Check status; iOS Settings → General → VPN & Device Management; Windows Settings → Accounts → Access work or school → Info → Sync), wait until the SCEP profile has been processed or has failed, then collect the log at once; on the servers, export the logs of that same time.
next-collect-covering = { remedy-no-evidence-right-log }

## probe (issue 23)
heading-probe = SCEP server test
summary-probe-working = The SCEP server { $url } answers as a working NDES would: GetCACaps and GetCACert replied, the CA is { $ca } and { $ras } RA certificates came with it. A probe cannot prove a delivery: the device's own logs tell whether it enrolled.
summary-probe-failed = The SCEP server test of { $url } failed at step 2 (Device contacts NDES): { $title }.
next-probe-working = The server answers step 2 correctly from here. If devices still fail, test it from the device's network (the app's Test the SCEP server) and diagnose the device's logs with certdoctor diagnose.
next-probe-command = Test the SCEP server from the helpdesk or the device's network: certdoctor probe { $url }
next-probe-redacted = Test the SCEP server from the helpdesk or the device's network: run certdoctor probe with the NDES URL of the SCEP profile ({ $url } here; the token hides the host name, certdoctor diagnose --no-redact shows the full command).
next-probe-stem = Test the SCEP server from the helpdesk or the device's network: certdoctor probe https://<the NDES server's external name>{ $path }
label-probe-url = SCEP URL
label-probe-bytes = { $count ->
        [one] 1 byte
       *[other] { $count } bytes
    }
label-probe-cut = cut at the 1 MiB limit
label-probe-no-answer = no answer
label-probe-server-cert = server certificate
label-probe-caps = Capabilities (GetCACaps)
label-probe-ca = CA
label-probe-ra = RA
label-probe-ra-signing = signing
label-probe-ra-encryption = encryption
label-probe-expected-thumbprint = Expected CA thumbprint
detail-probe-dns = { $operation } to { $url }: the host name { $host } did not resolve ({ $reason }). The name is wrong, or it is an internal name that this network's DNS does not know.
detail-probe-connect = { $operation } to { $url }: no connection to { $host } ({ $reason }). A firewall, a stopped IIS or a wrong port keeps the device out.
detail-probe-timeout = { $operation } to { $url } got no answer in time ({ $reason }). The server is overloaded or a firewall drops the traffic.
detail-probe-tls-expired = { $operation } to { $url }: the TLS server certificate has expired ({ $reason }). Devices refuse the connection.
detail-probe-tls-not-yet-valid = { $operation } to { $url }: the TLS server certificate is not valid yet ({ $reason }); check the server's and the device's clocks.
detail-probe-tls-untrusted = { $operation } to { $url }: the TLS server certificate is not trusted ({ $reason }). Its chain does not end in a root this client trusts, or the server does not send its intermediate certificates.
detail-probe-tls-wrong-host = { $operation } to { $url }: the TLS server certificate does not name { $host } ({ $reason }).
detail-probe-tls-revoked = { $operation } to { $url }: the TLS server certificate is revoked ({ $reason }).
detail-probe-tls-handshake = { $operation } to { $url }: the TLS handshake failed ({ $reason }).
detail-probe-transport = { $operation } to { $url } failed ({ $reason }).
detail-probe-redirect-too-many = { $operation } to { $url } was redirected more than { $limit } times (last: HTTP { $status } to { $location }); a redirect loop.
detail-probe-redirect-downgrade = { $operation } to { $url } was redirected from https to http ({ $location }); certdoctor refuses, and so should devices.
detail-probe-redirect-bad = { $operation } to { $url } answered HTTP { $status } with a Location that cannot be followed ({ $location }).
detail-probe-http-403 = { $operation } to { $url } was answered with HTTP 403 Forbidden. IIS refuses the request: request filtering, an IP restriction, an SSL setting that requires client certificates, or an application proxy that pre-authenticates.
detail-probe-http-404 = { $operation } to { $url } was answered with HTTP 404 Not Found: the path is wrong (NDES answers at /certsrv/mscep/mscep.dll), NDES is not installed on that server, or a proxy publishes another path.
detail-probe-http-5xx = { $operation } to { $url } was answered with HTTP { $status }: NDES itself failed (its service account, application pool, RA certificates or the CA's availability).
detail-probe-http-other = { $operation } to { $url } was answered with HTTP { $status }.
detail-probe-reply-empty = The { $operation } reply is empty: the server answered 200 without content.
detail-probe-reply-html = The { $operation } reply is an HTML page ({ $title }) where a SCEP answer was expected: a portal, a proxy's sign-in page or an error page stands in front of NDES.
detail-probe-reply-too-large = The { $operation } reply is larger than { $limit } bytes; a SCEP answer is a few kilobytes.
detail-probe-reply-not-caps = The { $operation } reply is not a capability list: it starts with "{ $line }".
detail-probe-reply-not-certs = The { $operation } reply holds no certificate: { $reason }.
detail-probe-no-ra = The { $operation } reply is a PKCS#7 with { $count } CA certificates and no RA certificate. NDES answers with its RA certificates (signing and encryption) beside the CA; without them the device cannot encrypt its request.
detail-probe-caps-weak = The server's capabilities lack { $missing } (it lists: { $caps }). Devices fall back to weaker algorithms or to GET requests with the whole request in the URL.
detail-probe-ra-no-signing = No RA certificate allows digital signatures, which NDES needs to sign its replies: { $ras }.
detail-probe-ra-no-encryption = No RA certificate allows key encipherment, which the device needs to encrypt its request to NDES: { $ras }.
detail-probe-ra-not-agent = The RA certificate { $name } lacks the Certificate Request Agent EKU (1.3.6.1.4.1.311.20.2.1) that NDES's RA certificates carry (its EKUs: { $ekus }).
detail-probe-thumbprint = The CA the server returned is not the one expected: thumbprint { $expected }, returned { $cas }.
detail-probe-thumbprint-no-root = The CA certificates the server returned do not match thumbprint { $expected } (returned { $cas }); the reply holds no root, so if the thumbprint is the root's, compare it with the root of the chain above.
finding-scep-capabilities-weak =
    .title = The SCEP server's capabilities are weak or incomplete
    .remedy = Check the SCEP server's GetCACaps answer: NDES on a current Windows Server lists POSTPKIOperation, SHA-256 (or SHA-512) and DES3 or AES. An older or third-party server may need an update or its settings changed.
finding-scep-ra-cert-unusable =
    .title = The SCEP server's RA certificates cannot sign or encrypt
    .remedy = Renew the NDES RA certificates from their templates (Exchange Enrollment Agent (Offline request) for signing, CEP Encryption for encryption), then restart IIS; GetCACert must return both usages.
finding-scep-ra-not-request-agent =
    .title = An NDES RA certificate lacks the Certificate Request Agent EKU
    .remedy = Reissue the NDES RA certificates from the default NDES templates, which carry the Certificate Request Agent EKU, and restart IIS.
