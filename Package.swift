// swift-tools-version:6.0
// ffrtmp: a distributed FFmpeg transcoding and power-measurement system.
// No package dependencies by design: only the toolchain and system C libraries.
import Foundation
import PackageDescription

/// Hot-path modules trade exclusivity checks for speed; their types are loop-confined by design.
let fastSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "ffrtmp",
    products: [
        .executable(name: "ffrtmp", targets: ["ffrtmp"]),
        // The agent alone, for transcoding nodes: a smaller binary, less memory.
        .executable(name: "ffrtmp-agent", targets: ["ffrtmp-agent"]),
    ],
    targets: [
        // C shim: epoll, eventfd, sockets, signals; constants Swift cannot import.
        .target(name: "CSystem"),
        // The system OpenSSL (libssl-dev), linked as a C target with a shim for its macros.
        .target(
            name: "COpenSSL",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        // TLS sessions over memory buffers (for the event loop and blocking clients), certificates and
        // the certificate directory `ffrtmp certs` works on.
        .target(name: "TLS", dependencies: ["COpenSSL", "Support", "Wire"]),
        // The system SQLite (libsqlite3-dev), for the master's store.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // A small, safe layer over SQLite: connections, prepared statements, transactions.
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        // Small shared utilities: logging, command-line flags, config files, JSON reading and writing, and
        // system primitives (clock, lock, syscalls retried on EINTR, capped whole-file reads, atomic replace).
        .target(name: "Support"),
        // NATS wire format: parsers and encoders, pure (no I/O).
        .target(name: "Wire", dependencies: ["Net"], swiftSettings: fastSettings),
        // Event loop (fair reads, run-and-wait), sockets (non-blocking for the servers, blocking with deadlines
        // for the clients), byte buffer, listener.
        .target(name: "Net", dependencies: ["CSystem", "Support"], swiftSettings: fastSettings),
        // Durable storage for streams: append-only segment files, checksums, recovery, consumer state.
        .target(name: "Store", dependencies: ["CSystem", "Support"], swiftSettings: fastSettings),
        // The broker: server, connections, subject routing, the JetStream subset.
        .target(
            name: "Broker", dependencies: ["Wire", "Net", "Support", "Store", "TLS", "HTTP"],
            swiftSettings: fastSettings),
        // The NATS and JetStream client (blocking, with a reader thread).
        .target(
            name: "Client", dependencies: ["COpenSSL", "Wire", "Net", "Support", "TLS"], swiftSettings: fastSettings),
        // Messages between the parts (job, heartbeat, telemetry, result), validation, scenario presets. Pure.
        .target(name: "Model", dependencies: ["Support"]),
        // Power and energy: RAPL, NVIDIA (nvidia-smi/NVML), CPU accounting, per-job attribution, estimates.
        .target(name: "Energy", dependencies: ["Model", "Support"]),
        // ffrtmp's streams and job consumers (built from Model's subjects and capabilities), and declaring
        // them on a server idempotently (`ffrtmp setup`).
        .target(name: "Fleet", dependencies: ["Client", "Model", "Net"]),
        // Read-only HTTP/1.1 server on Net's event loops: keep-alive, Server-Sent Events, a small router;
        // and a small blocking GET client (http:// and https://) on Net's blocking socket, for the CLI.
        .target(name: "HTTP", dependencies: ["Net", "Support", "TLS"]),
        // The agent: hardware probing, ffmpeg execution, telemetry, results.
        .target(name: "Agent", dependencies: ["Model", "Energy", "Client", "Fleet", "Net", "Support"]),
        // The master: follows the fleet's streams into SQLite and a live view.
        .target(name: "Master", dependencies: ["Model", "Client", "Fleet", "Net", "Support", "SQLite", "HTTP", "TLS"]),
        // `ffrtmp doctor`: a node's checks (ffmpeg, capabilities, power sensors, cgroups, disk, broker, TLS)
        // through the agent's probes, the energy readers and the client.
        .target(name: "Doctor", dependencies: ["Agent", "Energy", "Client", "TLS", "Net", "Model", "Support"]),
        // What the user-facing commands show and how they reach the fleet: units, tables, CSV, the
        // master's HTTP API, job submission and tracking, progress lines.
        .target(name: "Console", dependencies: ["Model", "Client", "Fleet", "HTTP", "Support", "TLS"]),
        // What every executable shares (command protocol, usage errors, the NATS connection and TLS options,
        // settings files, stop signals) and the agent's command, which both `ffrtmp agent` and `ffrtmp-agent` run.
        .target(name: "CommandKit", dependencies: ["Agent", "Client", "Model", "Net", "Support"]),
        // The `ffrtmp` command.
        .executableTarget(
            name: "ffrtmp",
            dependencies: [
                "Broker", "Client", "Agent", "Master", "Model", "Support", "Console", "CommandKit", "SQLite", "Doctor",
                "Fleet", "HTTP", "TLS", "Net", "Wire",
            ]),
        .executableTarget(name: "ffrtmp-agent", dependencies: ["CommandKit", "Support"]),

        // What the test targets share: a broker fixture, a seeded generator, `eventually`, temporary directories.
        .target(name: "TestSupport", dependencies: ["Broker", "Support"], path: "Tests/TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(
            name: "MasterTests",
            dependencies: [
                "Master", "Model", "Client", "Fleet", "Broker", "SQLite", "HTTP", "Net", "Support", "TestSupport",
            ]),
        .testTarget(name: "WireTests", dependencies: ["Wire", "Net"]),
        .testTarget(name: "NetTests", dependencies: ["Net", "Support"]),
        .testTarget(
            name: "BrokerTests",
            dependencies: ["Broker", "Store", "Wire", "Net", "TLS", "Support", "HTTP", "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Support", "TestSupport"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "COpenSSL", "Support", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "TestSupport"]),
        .testTarget(name: "EnergyTests", dependencies: ["Energy", "Model", "Support"]),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "Model", "Energy", "Client", "Fleet", "Broker", "Net", "Support", "TestSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "Net", "Support", "TLS", "TestSupport"]),
        .testTarget(
            name: "ClientTests",
            dependencies: [
                "Client", "Wire", "Net", "Support", "TLS", "Fleet", "CommandKit", "Model", "TestSupport",
            ]),
        .testTarget(
            name: "DoctorTests",
            dependencies: ["Doctor", "Energy", "Broker", "Client", "TLS", "Support", "TestSupport"]),
        // The built `ffrtmp` binary, run as a user would, against a broker in the test.
        .testTarget(
            name: "CLITests",
            dependencies: ["Broker", "Client", "Fleet", "HTTP", "Model", "Net", "Support", "SQLite", "TestSupport"]),
        .testTarget(
            name: "ConsoleTests",
            dependencies: [
                "Console", "Model", "Client", "Fleet", "HTTP", "Broker", "Master", "Net", "Support", "TLS",
                "TestSupport",
            ]),
    ]
)

// Fuzz targets (Tests/Fuzz/run.sh): one libFuzzer executable, declared only when FFRTMP_FUZZ=1 so
// that ordinary builds and `swift test` never see it. Built in debug (for `@testable import`) with
// libFuzzer and AddressSanitizer under its own build path, .build/fuzz.
if ProcessInfo.processInfo.environment["FFRTMP_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "FuzzTargets",
            dependencies: ["Wire", "Net", "Broker", "HTTP", "Model", "Agent", "Store", "Support"],
            path: "Tests/Fuzz/Targets"))
}
