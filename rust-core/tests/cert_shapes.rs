//! Certificate file shapes and chain shapes, with certificates made by rcgen at test time
//! and the committed openssl fixtures (`tests/fixtures/certs/`) for what rcgen cannot
//! make (SHA-1/MD5 RSA signatures, RSA 1024, RSA-PSS).

use certdoctor_core::chain::{build_chains, role};
use certdoctor_core::evidence::{CertRole, Certificate, ChainProblem, KeyAlgorithm};
use certdoctor_core::input::InputKind;
use certdoctor_core::parsers::certs::{CertError, parse_certificate_file};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_ED25519,
    PKCS_RSA_SHA256, SanType, SerialNumber, SignatureAlgorithm,
};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

mod common;
use common::pem_of;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/certs");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn rsa_key(name: &str) -> KeyPair {
    let pem = String::from_utf8(fixture(name)).unwrap();
    KeyPair::from_pkcs8_pem_and_sign_algo(&pem, &PKCS_RSA_SHA256).unwrap()
}

fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).unwrap()
}

fn params(cn: &str, ca: bool) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name
        .push(DnType::OrganizationName, "certdoctor tests");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.not_before = OffsetDateTime::now_utc() - Duration::days(1);
    p.not_after = OffsetDateTime::now_utc() + Duration::days(365);
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    } else {
        p.is_ca = IsCa::ExplicitNoCa;
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        p.use_authority_key_identifier_extension = true;
    }
    p
}

/// A certificate with the key and parameters to issue more.
struct Made {
    der: Vec<u8>,
    params: CertificateParams,
    key: KeyPair,
}

impl Made {
    fn root(cn: &str, key: KeyPair) -> Made {
        let params = params(cn, true);
        let der = params.self_signed(&key).unwrap().der().to_vec();
        Made { der, params, key }
    }
    fn issue(&self, params: CertificateParams, key: KeyPair) -> Made {
        let issuer = Issuer::from_params(&self.params, &self.key);
        let der = params.signed_by(&key, &issuer).unwrap().der().to_vec();
        Made { der, params, key }
    }
    fn pem(&self) -> String {
        pem_of(&self.der)
    }
}

fn parse_all(ders: &[&[u8]]) -> Vec<Certificate> {
    ders.iter()
        .flat_map(|d| parse_certificate_file(d).unwrap().certificates)
        .collect()
}

/// Definite-length TLV.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// Indefinite-length TLV (BER).
fn tlv_indef(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, 0x80];
    out.extend_from_slice(content);
    out.extend([0, 0]);
    out
}

const OID_SIGNED_DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
];
const OID_DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];

/// A certs-only SignedData ContentInfo, definite or indefinite lengths.
fn pkcs7(certs: &[&[u8]], indefinite: bool) -> Vec<u8> {
    let wrap = |tag: u8, c: &[u8]| {
        if indefinite {
            tlv_indef(tag, c)
        } else {
            tlv(tag, c)
        }
    };
    let mut sd = tlv(0x02, &[1]);
    sd.extend(tlv(0x31, &[]));
    sd.extend(wrap(0x30, OID_DATA));
    if !certs.is_empty() {
        sd.extend(wrap(0xa0, &certs.concat()));
    }
    sd.extend(tlv(0x31, &[]));
    let mut ci = OID_SIGNED_DATA.to_vec();
    ci.extend(wrap(0xa0, &wrap(0x30, &sd)));
    wrap(0x30, &ci)
}

/// root (RSA) → intermediate (P-384) → leaf (P-256).
fn three_level() -> (Made, Made, Made) {
    let root = Made::root("Test Root CA", rsa_key("rsa2048-a.key"));
    let inter = root.issue(
        params("Test Issuing CA", true),
        key(&PKCS_ECDSA_P384_SHA384),
    );
    let leaf = inter.issue(params("device-1234", false), key(&PKCS_ECDSA_P256_SHA256));
    (root, inter, leaf)
}

#[test]
fn complete_chain_from_pem_bundle_with_junk() {
    let (root, inter, leaf) = three_level();
    let text = format!(
        "Bag Attributes\r\n    friendlyName: device\r\nsubject=CN = device-1234\r\n{}\r\nsome junk line\n\n{}\tissuer=x\n{}",
        leaf.pem().replace('\n', "\r\n"),
        inter.pem(),
        root.pem()
    );
    let file = parse_certificate_file(text.as_bytes()).unwrap();
    assert_eq!(file.kind, InputKind::Certificate);
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let certs = file.certificates;
    assert_eq!(certs.len(), 3);
    assert_eq!(role(&certs[0]), CertRole::Leaf);
    assert_eq!(role(&certs[1]), CertRole::Intermediate);
    assert_eq!(role(&certs[2]), CertRole::Root);
    let chains = build_chains(&certs);
    assert_eq!(chains.len(), 1);
    let c = &chains[0];
    assert_eq!(c.path, vec![0, 1, 2]);
    assert!(c.complete && c.signatures_valid, "{c:?}");
    assert_eq!(c.problem, None);
    // Inventory order does not matter.
    let shuffled = vec![certs[2].clone(), certs[0].clone(), certs[1].clone()];
    let c = &build_chains(&shuffled)[0];
    assert_eq!(
        (c.leaf, c.path.clone(), c.complete, c.signatures_valid),
        (1, vec![1, 2, 0], true, true)
    );
}

#[test]
fn missing_root() {
    let (_root, inter, leaf) = three_level();
    let certs = parse_all(&[&leaf.der, &inter.der]);
    let c = &build_chains(&certs)[0];
    assert_eq!(c.path, vec![0, 1]);
    assert!(!c.complete);
    assert!(c.signatures_valid);
    assert_eq!(c.problem, Some(ChainProblem::MissingIssuer { cert: 1 }));
}

#[test]
fn wrong_issuer_same_name_other_key() {
    let (_root, inter, leaf) = three_level();
    // Same name as the intermediate, different key.
    let impostor = Made::root("Other Root", key(&PKCS_ECDSA_P384_SHA384)).issue(
        params("Test Issuing CA", true),
        key(&PKCS_ECDSA_P384_SHA384),
    );
    let certs = parse_all(&[&leaf.der, &impostor.der]);
    let c = &build_chains(&certs)[0];
    assert!(!c.signatures_valid);
    assert_eq!(
        c.problem,
        Some(ChainProblem::BadSignature { cert: 0, issuer: 1 })
    );
    // With the genuine one present too, the verifying candidate wins.
    let certs = parse_all(&[&leaf.der, &impostor.der, &inter.der]);
    let c = &build_chains(&certs)[0];
    assert_eq!(c.path, vec![0, 2]);
    assert!(c.signatures_valid);
}

#[test]
fn corrupted_signature_byte() {
    let root = Made::root("RSA Root", rsa_key("rsa2048-a.key"));
    let leaf = root.issue(params("rsa leaf", false), rsa_key("rsa2048-b.key"));
    let mut bad = leaf.der.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    let certs = parse_all(&[&bad, &root.der]);
    let c = &build_chains(&certs)[0];
    assert_eq!(
        c.problem,
        Some(ChainProblem::BadSignature { cert: 0, issuer: 1 })
    );
    assert!(!c.signatures_valid);
    let certs = parse_all(&[&leaf.der, &root.der]);
    let c = &build_chains(&certs)[0];
    assert!(c.complete && c.signatures_valid, "{c:?}");
    assert_eq!(certs[0].signature_algorithm, "sha256WithRSAEncryption");
    assert_eq!(certs[0].key.bits, Some(2048));
}

#[test]
fn corrupted_root_self_signature() {
    let root = Made::root("RSA Root", rsa_key("rsa2048-a.key"));
    let leaf = root.issue(params("rsa leaf", false), key(&PKCS_ECDSA_P256_SHA256));
    let mut bad_root = root.der.clone();
    let last = bad_root.len() - 1;
    bad_root[last] ^= 0x80;
    let certs = parse_all(&[&leaf.der, &bad_root]);
    let c = &build_chains(&certs)[0];
    assert_eq!(
        c.problem,
        Some(ChainProblem::BadSignature { cert: 1, issuer: 1 })
    );
    assert!(!c.signatures_valid);
}

#[test]
fn pkcs7_definite_and_indefinite() {
    let (root, inter, leaf) = three_level();
    for indefinite in [false, true] {
        let p7 = pkcs7(&[&root.der, &inter.der, &leaf.der], indefinite);
        let file = parse_certificate_file(&p7).unwrap();
        assert_eq!(file.kind, InputKind::Pkcs7);
        assert_eq!(file.certificates.len(), 3);
        assert_eq!(file.certificates[2].der, leaf.der);
        let c = &build_chains(&file.certificates)[0];
        assert_eq!(c.path, vec![2, 1, 0]);
        assert!(c.complete && c.signatures_valid);
        // PEM-armoured PKCS7 as well.
        let pem = pem_of(&p7).replace("CERTIFICATE", "PKCS7");
        let file = parse_certificate_file(pem.as_bytes()).unwrap();
        assert_eq!(file.kind, InputKind::Pkcs7);
        assert_eq!(file.certificates.len(), 3);
    }
}

#[test]
fn pkcs7_without_certificates_is_an_error() {
    for indefinite in [false, true] {
        let err = parse_certificate_file(&pkcs7(&[], indefinite)).unwrap_err();
        assert_eq!(
            err,
            CertError::Invalid("PKCS#7 contains no certificates".into())
        );
    }
}

#[test]
fn ec_and_ed25519_chains() {
    for (root_alg, leaf_alg, name, bits) in [
        (
            &PKCS_ECDSA_P256_SHA256,
            &PKCS_ECDSA_P256_SHA256,
            "ecdsa-with-SHA256",
            256,
        ),
        (
            &PKCS_ECDSA_P384_SHA384,
            &PKCS_ECDSA_P384_SHA384,
            "ecdsa-with-SHA384",
            384,
        ),
        (
            &PKCS_ECDSA_P384_SHA384,
            &PKCS_ECDSA_P256_SHA256,
            "ecdsa-with-SHA384",
            256,
        ),
        (&PKCS_ED25519, &PKCS_ED25519, "ED25519", 256),
    ] {
        let root = Made::root("Root", key(root_alg));
        let leaf = root.issue(params("leaf", false), key(leaf_alg));
        let certs = parse_all(&[&leaf.der, &root.der]);
        assert_eq!(certs[0].signature_algorithm, name);
        assert_eq!(certs[0].key.bits, Some(bits));
        let expected = if leaf_alg == &PKCS_ED25519 {
            KeyAlgorithm::Ed25519
        } else {
            KeyAlgorithm::Ec
        };
        assert_eq!(certs[0].key.algorithm, expected);
        let c = &build_chains(&certs)[0];
        assert!(c.complete && c.signatures_valid, "{name}: {c:?}");
    }
}

#[test]
fn openssl_fixtures_verify() {
    let root = parse_certificate_file(&fixture("openssl-root.pem"))
        .unwrap()
        .certificates;
    for (file, alg, bits) in [
        ("openssl-sha1-leaf.pem", "sha1WithRSAEncryption", 2048),
        ("openssl-md5-leaf.pem", "md5WithRSAEncryption", 2048),
        ("openssl-rsa1024-leaf.pem", "sha256WithRSAEncryption", 1024),
        ("openssl-pss-sha256-leaf.pem", "rsassaPss", 2048),
        ("openssl-pss-sha384-leaf.pem", "rsassaPss", 2048),
    ] {
        let mut certs = parse_certificate_file(&fixture(file)).unwrap().certificates;
        assert_eq!(certs[0].signature_algorithm, alg, "{file}");
        assert_eq!(certs[0].key.bits, Some(bits), "{file}");
        assert_eq!(
            certs[0].extended_key_usage,
            Some(vec!["client_auth".to_string()])
        );
        certs.extend(root.iter().cloned());
        let c = &build_chains(&certs)[0];
        assert!(c.complete && c.signatures_valid, "{file}: {c:?}");
    }
    let sha1 = &parse_certificate_file(&fixture("openssl-sha1-leaf.pem"))
        .unwrap()
        .certificates[0];
    assert_eq!(sha1.serial_hex, "A1B2C3D4E5F60718");
    assert_eq!(
        root[0].subject,
        "O=certdoctor fixtures, CN=certdoctor Fixture RSA Root"
    );
    assert_eq!(
        root[0].subject_cn.as_deref(),
        Some("certdoctor Fixture RSA Root")
    );
    assert_eq!(role(&root[0]), CertRole::Root);
    let p7 = parse_certificate_file(&fixture("openssl-bundle.p7b")).unwrap();
    assert_eq!(p7.kind, InputKind::Pkcs7);
    assert_eq!(p7.certificates.len(), 3);
    let chains = build_chains(&p7.certificates);
    assert_eq!(chains.len(), 2);
    assert!(chains.iter().all(|c| c.complete && c.signatures_valid));
}

#[test]
fn facts_of_the_certificate_findings() {
    let root = Made::root("Facts Root", key(&PKCS_ECDSA_P256_SHA256));
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let dated = |cn: &str, nb: OffsetDateTime, na: OffsetDateTime| {
        let mut p = params(cn, false);
        p.not_before = nb;
        p.not_after = na;
        let c = root.issue(p, key(&PKCS_ECDSA_P256_SHA256));
        parse_all(&[&c.der]).remove(0)
    };
    let expired = dated(
        "expired",
        now - Duration::days(400),
        now - Duration::days(35),
    );
    assert!(expired.not_after < now);
    assert_eq!(expired.not_after, now - Duration::days(35));
    let future = dated("future", now + Duration::days(3), now + Duration::days(300));
    assert_eq!(future.not_before, now + Duration::days(3));
    let soon = dated("soon", now - Duration::days(300), now + Duration::days(5));
    assert!(soon.not_after - now < Duration::days(14));

    let mut p = params("server only", false);
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::EmailProtection,
    ];
    let c = parse_all(&[&root.issue(p, key(&PKCS_ECDSA_P256_SHA256)).der]).remove(0);
    assert_eq!(
        c.extended_key_usage,
        Some(vec![
            "server_auth".to_string(),
            "email_protection".to_string()
        ])
    );
    let mut p = params("no eku", false);
    p.extended_key_usages = vec![];
    let c = parse_all(&[&root.issue(p, key(&PKCS_ECDSA_P256_SHA256)).der]).remove(0);
    assert_eq!(c.extended_key_usage, None);
    assert_eq!(c.is_ca, Some(false));

    let weak = parse_certificate_file(&fixture("openssl-rsa1024-leaf.pem"))
        .unwrap()
        .certificates
        .remove(0);
    assert_eq!(
        (weak.key.algorithm, weak.key.bits),
        (KeyAlgorithm::Rsa, Some(1024))
    );
    let sha1 = parse_certificate_file(&fixture("openssl-sha1-leaf.pem"))
        .unwrap()
        .certificates
        .remove(0);
    assert_eq!(sha1.signature_algorithm, "sha1WithRSAEncryption");
}

#[test]
fn names_sans_template_serial_and_key_ids() {
    let root = Made::root("SAN Root", key(&PKCS_ECDSA_P256_SHA256));
    let mut p = params("Jane Doe", false);
    p.distinguished_name.push(
        DnType::CustomDnType(vec![0, 9, 2342, 19200300, 100, 1, 25]),
        "example",
    );
    p.serial_number = Some(SerialNumber::from_slice(&[0x00, 0x8f, 0x01, 0x02]));
    p.subject_alt_names = vec![
        SanType::OtherName((
            vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3],
            "jane@example.com".into(),
        )),
        SanType::Rfc822Name("jane@example.com".try_into().unwrap()),
        SanType::DnsName("device.example.com".try_into().unwrap()),
        SanType::URI("urn:uuid:1234".try_into().unwrap()),
        SanType::IpAddress("10.1.2.3".parse().unwrap()),
        SanType::IpAddress("2001:db8::1".parse().unwrap()),
    ];
    // 1.3.6.1.4.1.311.20.2: BMPString "IntuneUser"
    let bmp: Vec<u8> = "IntuneUser"
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    let mut name_ext = vec![0x1e, bmp.len() as u8];
    name_ext.extend(bmp);
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 4, 1, 311, 20, 2],
        name_ext,
    ));
    // 1.3.6.1.4.1.311.21.7: SEQUENCE { OID 1.3.6.1.4.1.311.21.8.1.2, INTEGER 100, INTEGER 4 }
    let info = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[
                    0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x15, 0x08, 0x01, 0x02,
                ],
            ),
            tlv(0x02, &[100]),
            tlv(0x02, &[4]),
        ]
        .concat(),
    );
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 4, 1, 311, 21, 7],
        info,
    ));
    let leaf = root.issue(p, key(&PKCS_ECDSA_P256_SHA256));
    let certs = parse_all(&[&leaf.der, &root.der]);
    let c = &certs[0];
    assert_eq!(c.subject, "CN=Jane Doe, O=certdoctor tests, DC=example");
    assert_eq!(c.subject_cn.as_deref(), Some("Jane Doe"));
    assert_eq!(c.issuer, "CN=SAN Root, O=certdoctor tests");
    assert_eq!(c.issuer_cn.as_deref(), Some("SAN Root"));
    assert_eq!(c.serial_hex, "8F0102");
    assert_eq!(
        c.subject_alt_names,
        vec![
            "upn:jane@example.com",
            "email:jane@example.com",
            "dns:device.example.com",
            "uri:urn:uuid:1234",
            "ip:10.1.2.3",
            "ip:2001:db8::1"
        ]
    );
    assert_eq!(
        c.template.as_deref(),
        Some("IntuneUser (1.3.6.1.4.1.311.21.8.1.2)")
    );
    let digest = Sha256::digest(&leaf.der);
    let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(c.sha256, hex);
    assert_eq!(c.sha1.len(), 40);
    assert!(c.sources.is_empty());
    assert!(c.authority_key_id.is_some());
    assert_eq!(c.authority_key_id, certs[1].subject_key_id);
    assert_eq!(certs[1].is_ca, Some(true));
    assert!(certs[1].self_issued());
    assert_eq!(c.der, leaf.der);
    assert!(c.issuer_der == certs[1].subject_der);
}

#[test]
fn partial_pem_gives_warnings() {
    let (root, _inter, leaf) = three_level();
    let text = format!(
        "{}-----BEGIN CERTIFICATE-----\nMIIB*garbage\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nMAMCAQU=\n-----END PRIVATE KEY-----\n{}",
        leaf.pem(),
        root.pem()
    );
    let file = parse_certificate_file(text.as_bytes()).unwrap();
    assert_eq!(file.certificates.len(), 2);
    assert_eq!(file.warnings.len(), 2, "{:?}", file.warnings);
    assert!(
        file.warnings
            .iter()
            .any(|w| w.starts_with("PEM block 2: bad base64 at line")),
        "{:?}",
        file.warnings
    );
    assert!(
        file.warnings
            .iter()
            .any(|w| w.starts_with("PEM block 3 (PRIVATE KEY)")),
        "{:?}",
        file.warnings
    );
}

#[test]
fn bad_inputs_are_clear_errors() {
    assert_eq!(parse_certificate_file(b"").unwrap_err(), CertError::Empty);
    assert_eq!(
        parse_certificate_file(b" \r\n\t").unwrap_err(),
        CertError::Empty
    );
    let (root, _, _) = three_level();
    let truncated = &root.der[..root.der.len() / 2];
    match parse_certificate_file(truncated) {
        Err(CertError::Invalid(m)) => assert!(m.starts_with("truncated DER: "), "{m}"),
        other => panic!("{other:?}"),
    }
    match parse_certificate_file(
        b"-----BEGIN CERTIFICATE-----\nMII$%^&\n-----END CERTIFICATE-----\n",
    ) {
        Err(CertError::Invalid(m)) => assert!(m.contains("bad base64"), "{m}"),
        other => panic!("{other:?}"),
    }
    match parse_certificate_file(b"\x01\x02\x03 random bytes \xff\xfe") {
        Err(CertError::Invalid(m)) => assert!(m.starts_with("not a certificate"), "{m}"),
        other => panic!("{other:?}"),
    }
    match parse_certificate_file(&[0x30, 0x03, 0x02, 0x01, 0x05]) {
        Err(CertError::Invalid(m)) => assert!(m.starts_with("not an X.509 certificate"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A truncated PEM body.
    let pem = root.pem();
    let cut = format!("{}\n-----END CERTIFICATE-----\n", &pem[..pem.len() / 2]);
    assert!(matches!(
        parse_certificate_file(cut.as_bytes()),
        Err(CertError::Invalid(_))
    ));
}

#[test]
fn bare_base64_der() {
    use base64::Engine as _;
    let (root, _, _) = three_level();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&root.der);
    let file = parse_certificate_file(b64.as_bytes()).unwrap();
    assert_eq!(file.certificates[0].der, root.der);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
    /// Damaged real certificates (flipped bytes, cuts) never panic the parser or the chain.
    #[test]
    fn damaged_certificates_never_panic(flips in proptest::collection::vec((0usize..2000, 0u8..=255), 1..6), cut in 0usize..2000) {
        let root = parse_certificate_file(&fixture("openssl-root.pem")).unwrap().certificates.remove(0);
        let leaf = parse_certificate_file(&fixture("openssl-pss-sha256-leaf.pem")).unwrap().certificates.remove(0);
        let mut der = leaf.der.clone();
        for (pos, x) in flips {
            if let Some(b) = der.get_mut(pos % leaf.der.len()) {
                *b ^= x;
            }
        }
        der.truncate(cut.max(1).min(der.len()));
        if let Ok(file) = parse_certificate_file(&der) {
            let mut certs = file.certificates;
            certs.push(root);
            let _ = build_chains(&certs);
        }
        let p7 = pkcs7(&[&der, &leaf.der], true);
        let _ = parse_certificate_file(&p7);
    }
}

#[test]
fn trusted_certificate_block_with_aux_data() {
    let (root, _, _) = three_level();
    // openssl's TRUSTED CERTIFICATE: the certificate followed by its trust settings.
    let mut body = root.der.clone();
    body.extend(tlv(
        0x30,
        &tlv(
            0x30,
            &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02],
        ),
    ));
    let text = pem_of(&body).replace("CERTIFICATE", "TRUSTED CERTIFICATE");
    let file = parse_certificate_file(text.as_bytes()).unwrap();
    assert_eq!(file.kind, InputKind::Certificate);
    assert_eq!(file.certificates.len(), 1);
    assert_eq!(file.certificates[0].der, root.der);
}

#[test]
fn ecdsa_hash_and_curve_pairings_from_openssl() {
    let root = parse_certificate_file(&fixture("openssl-ec-p256-sha512-root.pem"))
        .unwrap()
        .certificates;
    assert_eq!(root[0].signature_algorithm, "ecdsa-with-SHA512");
    assert_eq!(root[0].key.bits, Some(256));
    let mut certs = parse_certificate_file(&fixture("openssl-ec-p384-sha384-leaf.pem"))
        .unwrap()
        .certificates;
    assert_eq!(certs[0].signature_algorithm, "ecdsa-with-SHA384");
    assert_eq!(certs[0].key.bits, Some(384));
    certs.extend(root);
    let c = &build_chains(&certs)[0];
    assert!(c.complete && c.signatures_valid, "{c:?}");
    assert_eq!(c.path, vec![0, 1]);
    let p384_root = parse_certificate_file(&fixture("openssl-ec-p384-sha256-root.pem"))
        .unwrap()
        .certificates;
    assert_eq!(p384_root[0].signature_algorithm, "ecdsa-with-SHA256");
    assert_eq!(
        certdoctor_core::chain::verify_signature(&p384_root[0], &p384_root[0]),
        certdoctor_core::chain::signature::Verification::Valid
    );
}

#[test]
fn issuer_name_encoded_differently_matches_by_key_id() {
    let root = Made::root("Encoding Root", key(&PKCS_ECDSA_P256_SHA256));
    // The same issuer name, but its CN as PrintableString instead of UTF8String.
    let mut printable = root.params.clone();
    printable.distinguished_name = rcgen::DistinguishedName::new();
    printable.distinguished_name.push(
        DnType::CommonName,
        rcgen::DnValue::PrintableString("Encoding Root".try_into().unwrap()),
    );
    printable
        .distinguished_name
        .push(DnType::OrganizationName, "certdoctor tests");
    let issuer = Issuer::from_params(&printable, &root.key);
    let leaf_key = key(&PKCS_ECDSA_P256_SHA256);
    let leaf = params("leaf", false)
        .signed_by(&leaf_key, &issuer)
        .unwrap()
        .der()
        .to_vec();
    let certs = parse_all(&[&leaf, &root.der]);
    assert_ne!(certs[0].issuer_der, certs[1].subject_der);
    assert_eq!(certs[0].issuer, certs[1].subject);
    let c = &build_chains(&certs)[0];
    assert_eq!(c.path, vec![0, 1]);
    assert!(c.complete && c.signatures_valid, "{c:?}");
}
