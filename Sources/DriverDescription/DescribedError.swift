import Instrumentation

/// Why a described step failed, with the errno a system call would return.
public enum DescribedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step reached freed memory (already reported, with its trail, to the sanitizer).
    case useAfterFree(String)
    case doubleFree(String)
    /// A `check` or `return` step, or a kernel function's own error.
    case errno(Errno, String)
    /// The description asked for something its types do not allow (reported at run time
    /// only for what the reader cannot see: a NULL pointer followed, a wrong container).
    case invalid(String)

    public var errno: Errno {
        switch self {
        case .useAfterFree, .doubleFree: .EFAULT
        case .errno(let e, _): e
        case .invalid: .EINVAL
        }
    }

    public var description: String {
        switch self {
        case .useAfterFree(let m), .doubleFree(let m), .invalid(let m): m
        case .errno(let e, let m): "\(e.name): \(m)"
        }
    }
}
