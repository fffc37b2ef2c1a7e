// swift-tools-version:5.9
// CertDoctorKit: the certdoctor Rust core for iOS apps.
//
// Two parts are build outputs, never committed (see README.md):
//   Sources/CertDoctorKit/Generated/CertDoctorKit.swift  — uniffi's Swift bindings
//   Frameworks/certdoctorFFI.xcframework                 — the static library + C header/modulemap
import PackageDescription

let package = Package(
    name: "CertDoctorKit",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "CertDoctorKit", targets: ["CertDoctorKit"]),
    ],
    targets: [
        .binaryTarget(name: "certdoctorFFI", path: "Frameworks/certdoctorFFI.xcframework"),
        .target(
            name: "CertDoctorKit",
            dependencies: ["certdoctorFFI"],
            path: "Sources/CertDoctorKit"
        ),
    ]
)
