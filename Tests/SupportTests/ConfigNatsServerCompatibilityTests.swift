import TestSupport
import XCTest

@testable import Support

/// Real nats-server configuration files. Each was checked with `nats-server -c FILE -t`
/// (v2.15.1), and the sizes and durations against the server's `/varz`; these tests assert that
/// `ConfigFile` reads the same values.
final class ConfigNatsServerCompatibilityTests: XCTestCase {
    /// The configuration shipped in the nats-server Docker image.
    func testTheDockerImageConfigurationReadsAsNatsServerReadsIt() throws {
        let text = """
            # Client port of 4222 on all interfaces
            port: 4222

            # HTTP monitoring port
            monitor_port: 8222

            # This is for clustering multiple servers together.
            cluster {
              # It is recommended to set a cluster name
              name: "my_cluster"

              # Route connections to be received on any interface on port 6222
              port: 6222

              # Routes are protected, so need to use them with --routes flag
              # e.g. --routes=nats-route://ruser:T0pS3cr3t@otherdockerhost:6222
              authorization {
                user: ruser
                password: T0pS3cr3t
                timeout: 2
              }

              # Routes are actively solicited and connected to from this server.
              routes = []
            }
            """
        let config = try ConfigTestSupport.parse(text, fileName: "nats-server.conf")
        XCTAssertEqual(
            config,
            [
                "port": 4222, "monitor_port": 8222,
                "cluster": [
                    "name": "my_cluster", "port": 6222,
                    "authorization": ["user": "ruser", "password": "T0pS3cr3t", "timeout": 2], "routes": [],
                ],
            ])
        XCTAssertEqual(
            try config.object("cluster")?.object("authorization")?.durationNanoseconds("timeout"), 2_000_000_000)
    }

    /// Accounts, JetStream, sizes, durations, a variable and an include; `/varz` reported
    /// max_payload 8388608, max_connections 64000, max_pending 67108864, ping_interval 2m,
    /// write_deadline 10s, max_memory 1073741824 and max_storage 10000000000.
    func testAnAccountsAndJetStreamConfigurationReadsAsNatsServerReadsIt() throws {
        let text = """
            listen: 127.0.0.1:4222
            server_name: n1
            jetstream {
              store_dir: "/tmp/nats/js"
              max_memory_store: 1GB
              max_file_store: 10G
            }
            SYS_PASS = "sys-secret"
            accounts {
              SYS: { users: [ { user: sys, password: $SYS_PASS } ] }
              APP: {
                jetstream: enabled
                users = [
                  { user: alice, password: "s3cr3t!", permissions: { publish: ["orders.>"], subscribe: "_INBOX.>" } }
                  { user: bob, password: 'raw\\pass' }
                ]
              }
            }
            system_account: SYS
            max_payload: 8MB
            ping_interval: "2m"
            write_deadline: "10s"
            debug: false; trace = off
            logtime true
            include "./limits.conf"
            """
        let limits = "// included from accounts.conf\nmax_connections: 64K\nmax_pending = 64MB\n"
        let config = try ConfigTestSupport.parse(
            text, fileName: "/etc/nats/accounts.conf", files: ["/etc/nats/./limits.conf": limits])
        XCTAssertEqual(try config.string("listen"), "127.0.0.1:4222")
        XCTAssertEqual(try config.byteSize("max_payload"), 8_388_608)
        XCTAssertEqual(try config.int("max_connections"), 64_000)
        XCTAssertEqual(try config.byteSize("max_pending"), 67_108_864)
        XCTAssertEqual(try config.durationNanoseconds("ping_interval"), 120_000_000_000)
        XCTAssertEqual(try config.durationNanoseconds("write_deadline"), 10_000_000_000)
        XCTAssertEqual(try config.bool("debug"), false)
        XCTAssertEqual(try config.bool("trace"), false)
        XCTAssertEqual(try config.bool("logtime"), true)
        let jetStream = try XCTUnwrap(config.object("jetstream"))
        XCTAssertEqual(try jetStream.byteSize("max_memory_store"), 1_073_741_824)
        XCTAssertEqual(try jetStream.byteSize("max_file_store"), 10_000_000_000)
        let accounts = try XCTUnwrap(config.object("accounts"))
        XCTAssertEqual(accounts.keys, ["SYS", "APP"])
        XCTAssertEqual(try accounts.object("SYS")?["users"], [["user": "sys", "password": "sys-secret"]])
        let app = try XCTUnwrap(accounts.object("APP"))
        XCTAssertEqual(
            app["users"],
            [
                [
                    "user": "alice", "password": "s3cr3t!",
                    "permissions": ["publish": ["orders.>"], "subscribe": "_INBOX.>"],
                ],
                ["user": "bob", "password": #"raw\pass"#],
            ])
        XCTAssertEqual(config.unknownKeys(allowed: Set(config.keys).subtracting(["SYS_PASS"])), [])
    }

    /// Routes in a multi-line array with a trailing comma, and leaf node remotes.
    func testAClusterWithRoutesAndLeafNodesReadsAsNatsServerReadsIt() throws {
        let text = """
            server_name: r1
            port: 4333
            cluster: {
              name: farm
              listen: 0.0.0.0:6333
              routes: [
                nats-route://10.0.0.2:6222
                nats-route://10.0.0.3:6222,
              ]
              pool_size: 3
            }
            leafnodes { remotes = [ { url: "nats-leaf://hub:7422", account: "$G" } ] }
            """
        let config = try ConfigTestSupport.parse(text)
        XCTAssertEqual(
            try config.object("cluster")?.strings("routes"),
            ["nats-route://10.0.0.2:6222", "nats-route://10.0.0.3:6222"])
        XCTAssertEqual(try config.object("leafnodes")?["remotes"], [["url": "nats-leaf://hub:7422", "account": "$G"]])
    }

    /// nats-server accepts a JSON document as its configuration.
    func testAJsonConfigurationReadsAsNatsServerReadsIt() throws {
        let text = """
            {
              "port": 4444,
              "server_tags": ["a", "bA"],
              "cluster": {"name": "j", "port": 6444, "routes": []},
              "max_payload": 1048576,
              "authorization": {"timeout": 1.5}
            }
            """
        let config = try ConfigTestSupport.parse(text)
        XCTAssertEqual(config.keys, ["port", "server_tags", "cluster", "max_payload", "authorization"])
        XCTAssertEqual(try config.object("authorization")?.durationNanoseconds("timeout"), 1_500_000_000)
    }

    /// Forms nats-server refuses (checked with `-t`) are refused here too.
    func testFormsNatsServerRefusesAreRefused() {
        XCTAssertNotNil(ConfigTestSupport.errorMessage("server_name: my server"))
        XCTAssertNotNil(ConfigTestSupport.errorMessage("tags: [a b]"))
        XCTAssertNotNil(ConfigTestSupport.errorMessage("tags: [a, , b]"))
        XCTAssertNotNil(ConfigTestSupport.errorMessage("port:\n 4222"))
        XCTAssertNotNil(ConfigTestSupport.errorMessage("authorization { user: a password: b }"))
        XCTAssertNotNil(ConfigTestSupport.errorMessage(#"name: "a\qb""#))
        XCTAssertNotNil(ConfigTestSupport.errorMessage("max_payload: 99999999999999999999"))
        XCTAssertNotNil(ConfigTestSupport.errorMessage("port: $NOPE"))
    }

    /// A file on disk, its include found next to it, read with `load`.
    func testLoadReadsAFileAndItsIncludeFromDisk() throws {
        let directory = try TemporaryDirectory()
        try directory.write("main.conf", "port: 4222\nsub { include \"sub.conf\" }\nhome: $CONFIG_TEST_HOME\n")
        try directory.write("sub.conf", "name: \"é\"\n")
        let config = try ConfigFile.load(path: directory.path + "/main.conf", environment: ["CONFIG_TEST_HOME": "/h"])
        XCTAssertEqual(config, ["port": 4222, "sub": ["name": "é"], "home": "/h"])
        XCTAssertEqual(config.entry("port")?.location?.fileName, directory.path + "/main.conf")
    }

    func testLoadUsesTheProcessEnvironmentByDefault() throws {
        let directory = try TemporaryDirectory()
        try directory.write("env.conf", "path: $PATH\n")
        let config = try ConfigFile.load(path: directory.path + "/env.conf")
        XCTAssertEqual(try config.string("path"), ConfigFile.processEnvironment()["PATH"])
        XCTAssertNotNil(ConfigFile.processEnvironment()["PATH"])
    }

    func testLoadReportsUnreadableAndNonTextFiles() throws {
        let directory = try TemporaryDirectory()
        assertThrows("cannot open \(directory.path)/none.conf: No such file or directory") {
            () throws(SupportError) in try ConfigFile.load(path: directory.path + "/none.conf")
        }
        assertThrows("cannot read \(directory.path): Is a directory") {
            () throws(SupportError) in try ConfigFile.load(path: directory.path)
        }
        try directory.write("binary.conf", [0x61, 0x0A, 0x62, 0x0A, 0xFF, 0xFE])
        assertThrows("\(directory.path)/binary.conf:3: not UTF-8 text") {
            () throws(SupportError) in try ConfigFile.load(path: directory.path + "/binary.conf")
        }
    }
}
