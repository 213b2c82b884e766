import Model
import XCTest

final class PathAndURLRuleTests: XCTestCase {
    func testInputPathsAreNormalizedAndMustStayStrictlyUnderARoot() {
        let roots = ["/media", "/srv/videos/"]
        XCTAssertEqual(try PathRules.checkInput("/media/a.mp4", roots: roots).get(), "/media/a.mp4")
        XCTAssertEqual(try PathRules.checkInput("//srv/./videos//x/y.mkv", roots: roots).get(), "/srv/videos/x/y.mkv")
        for path in [
            "/", "/media", "/media/", "/srv/a.mp4", "/mediax/a", "media/a.mp4", "/media/x/../../etc/passwd", "",
        ] {
            XCTAssertThrowsError(try PathRules.checkInput(path, roots: roots).get(), path)
        }
    }

    func testAResolvedPathThatASymlinkTookOutsideTheRootsIsNotUnderThem() {
        let roots = ["/media"]
        XCTAssertTrue(PathRules.isUnder("/media/clips/a.mp4", roots: roots))
        XCTAssertFalse(PathRules.isUnder("/etc/passwd", roots: roots), "media/link.mp4 -> /etc/passwd")
        XCTAssertFalse(PathRules.isUnder("/media2/a.mp4", roots: roots))
        XCTAssertFalse(PathRules.isUnder("/media", roots: roots))
        XCTAssertFalse(PathRules.isUnder("/media/../etc/passwd", roots: roots))
        XCTAssertFalse(PathRules.isUnder("media/a.mp4", roots: roots))
        XCTAssertFalse(PathRules.isUnder("/media/a.mp4", roots: []))
    }

    func testStreamURLsWithAHostAndAnAllowedSchemeAreAccepted() {
        let schemes: Set<String> = ["rtmp", "rtmps", "srt"]
        for url in [
            "rtmp://live.example.com/app/stream-key", "rtmps://live.example.com:443/app/key", "srt://10.0.0.5:9000",
            "srt://[::1]:9000?mode=caller&latency=200000", "RTMP://host/app", "rtmp://host/app/key$(x)",
        ] {
            XCTAssertNil(URLRules.check(url, allowedSchemes: schemes), url)
        }
    }

    func testURLsWithoutAHostWithBadPortsOrOtherSchemesAreRejected() {
        let schemes: Set<String> = ["rtmp", "rtmps", "srt"]
        for url in [
            "rtmp:///app", "rtmp://:1935/app", "rtmp://host:0/app", "rtmp://host:65536/app", "rtmp://host:12a/app",
            "rtmp://[::1/app", "rtmp://[zz]/app", "rtmp://ho_st/app", "srt://", "rtmp//host/app", "gopher://host/",
            "rtmp://a@host/app", "rtmp://host/a b", "rtmp://hóst/app",
        ] {
            XCTAssertNotNil(URLRules.check(url, allowedSchemes: schemes), url)
        }
    }

    func testOptionsThatWouldMakeTheAgentListenAreRejected() {
        let schemes: Set<String> = ["rtmp", "srt", "tcp"]
        for url in [
            "srt://0.0.0.0:9000?mode=listener", "srt://host:9000?latency=1&MODE=Listener",
            "srt://host:9000?mode=rendezvous", "tcp://0.0.0.0:9000?listen", "tcp://host:9000?listen=1",
            "rtmp://host/app?listen=2",
        ] {
            XCTAssertEqual(URLRules.check(url, allowedSchemes: schemes)?.reason.contains("listen"), true, url)
        }
        XCTAssertNil(URLRules.check("srt://host:9000?mode=caller&latency=200", allowedSchemes: schemes))
    }

    func testARejectedProtocolIsNamedInTheReason() {
        XCTAssertEqual(
            URLRules.check("concat:a|b", allowedSchemes: ["rtmp", "srt"])?.reason,
            #"protocol "concat" is not allowed (allowed: rtmp, srt)"#)
    }
}
