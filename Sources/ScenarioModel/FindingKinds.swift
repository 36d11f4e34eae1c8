/// The finding kinds a scenario may name in `expect: finding_kinds:`. The sanitizer (a
/// module beside this one) defines them; `ScenariosTests` checks the two lists are equal.
public enum FindingKinds {
    public static let names = [
        "use-after-release", "use-after-free", "use-after-unbind", "double-free", "null-pointer-dereference",
        "double-put", "get-after-release", "use-before-initialisation", "put-of-reference-never-taken",
        "leaked-reference", "release-never-ran", "leaked-memory", "devres-left-on-deleted-device",
        "devres-wrong-device", "devres-release-order", "revoke-inside-read-section", "file-operation-after-close",
        "lock-order-inversion", "hang",
    ]
}
