#if canImport(Glibc)
    import Glibc
#endif

/// glibc functions that Swift's Glibc module hides because it is imported without `_GNU_SOURCE`
/// (`pipe2`, `prlimit`, the `posix_spawn_file_actions_*_np` extensions). They are looked up once
/// by name in the already-loaded C library (`dlsym` with the default scope) and called through
/// typed C function pointers; a nil entry means this C library lacks the function.
enum GNULibrary {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias ProcessLimit =
        @convention(c) (pid_t, __rlimit_resource_t, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias AddDirectoryChange =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    /// `pipe2(fds, flags)`: a pipe whose ends are close-on-exec from birth, so a spawn on another
    /// thread can never inherit them.
    static let pipe2: Pipe2? = function("pipe2", as: Pipe2.self)
    /// `prlimit(pid, resource, new, old)`: sets another process's resource limit.
    static let processLimit: ProcessLimit? = function("prlimit", as: ProcessLimit.self)
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34): closes every descriptor from N up
    /// in the child.
    static let addCloseFrom: AddCloseFrom? = function(
        "posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)
    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29): changes the child's directory.
    static let addDirectoryChange: AddDirectoryChange? = function(
        "posix_spawn_file_actions_addchdir_np", as: AddDirectoryChange.self)

    private static func function<Function>(_ name: String, as type: Function.Type) -> Function? {
        // A nil handle is RTLD_DEFAULT in glibc: the global scope, where libc already is.
        guard let address = dlsym(nil, name) else { return nil }
        // Safe: `Function` is a @convention(c) type matching the C prototype of `name` exactly.
        return unsafeBitCast(address, to: type)
    }
}
