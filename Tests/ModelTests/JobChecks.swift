import Model
import XCTest

/// Shorthands for the validator tests: run a job through `JobValidator` and expect a spec or a
/// rejection.
extension XCTestCase {
    /// The spec for `json` (a job message), failing the test on a rejection.
    func accept(
        _ json: String, policy: ValidationPolicy = .testing, file: StaticString = #filePath, line: UInt = #line
    ) -> JobSpec? {
        switch JobValidator(policy: policy).validate(message: Array(json.utf8)) {
        case .success(let spec): return spec
        case .failure(let rejection):
            XCTFail("rejected: \(rejection)", file: file, line: line)
            return nil
        }
    }

    /// The rejection for `json`, failing the test if it is accepted or names another field.
    @discardableResult
    func reject(
        _ json: String, field: String, policy: ValidationPolicy = .testing, file: StaticString = #filePath,
        line: UInt = #line
    ) -> JobRejection? {
        check(JobValidator(policy: policy).validate(message: Array(json.utf8)), field: field, file: file, line: line)
    }

    /// The rejection for `job`, failing the test if it is accepted or names another field.
    @discardableResult
    func reject(
        _ job: Job, field: String, policy: ValidationPolicy = .testing, file: StaticString = #filePath,
        line: UInt = #line
    ) -> JobRejection? {
        check(JobValidator(policy: policy).validate(job), field: field, file: file, line: line)
    }

    private func check(
        _ outcome: Result<JobSpec, JobRejection>, field: String, file: StaticString, line: UInt
    ) -> JobRejection? {
        switch outcome {
        case .success(let spec):
            XCTFail("accepted: \(spec)", file: file, line: line)
            return nil
        case .failure(let rejection):
            XCTAssertEqual(rejection.field, field, "reason: \(rejection.reason)", file: file, line: line)
            return rejection
        }
    }
}

extension ValidationPolicy {
    /// The default policy with one allowed root, `/media`.
    static var testing: ValidationPolicy {
        var policy = ValidationPolicy()
        policy.allowedRoots = ["/media"]
        return policy
    }
}

/// A job message with `v` and `id` and the given extra members (JSON text without braces).
func jobJSON(_ members: String) -> String {
    members.isEmpty ? #"{"v":1,"id":"job-1"}"# : #"{"v":1,"id":"job-1","# + members + "}"
}
