import Testing
@testable import DevmLint

/// The prefilter tests 32 positions per vector step and the buffer's tail byte by byte: a
/// needle must be found at every alignment, including flush against either end of the
/// buffer, and across the boundary between two windows.
@Suite("multi-needle windows")
struct MultiNeedleTests {
    func groups(_ s: String) -> Int {
        Array(s.utf8).withUnsafeBytes { Linter.prefilter.groups(in: $0, stopMask: 3) }
    }

    @Test(arguments: ["devm_k", "cdev_add", "miscdevice", "struct cdev", "container_of", "video_register_device"])
    func foundAtEveryAlignment(_ needle: String) {
        let group = ["devm_k", "container_of"].contains(needle) ? 2 : 1
        for pad in 0..<70 {
            let lead = String(repeating: "x", count: pad)
            #expect(groups(lead + needle) & group == group, "\(needle) after \(pad) bytes, at the end")
            #expect(groups(lead + needle + " ;") & group == group, "\(needle) after \(pad) bytes")
        }
    }

    @Test func nearMissesAreNotFound() {
        #expect(groups("devm_request_irq(dev, irq, h, 0, name, p);") == 0)
        #expect(groups("cdev_ad cdev-add struct  cdev") == 0)
    }

    /// Long inputs take the vector loop: a needle anywhere in a buffer of a few windows, at
    /// every alignment, is found, and only there.
    @Test(arguments: ["devm_k", "cdev_add", "video_register_device"])
    func foundInLongInputs(_ needle: String) {
        let group = needle == "devm_k" ? 2 : 1
        for pad in 0..<100 {
            let lead = String(repeating: "y", count: pad)
            let tail = String(repeating: "z", count: 40)
            #expect(groups(lead + needle + tail) & group == group, "\(needle) after \(pad) bytes")
            #expect(groups(tail + lead + needle) & group == group, "\(needle) at the end after \(pad + 40) bytes")
        }
        #expect(groups(String(repeating: "q", count: 200)) == 0)
    }

    /// Once a group is found its fingerprints are no longer tested: the other group's
    /// needle later in the buffer is still found, in the same window or windows later, and
    /// a fingerprint match that is not a needle ("cd" of "abcdef") finds nothing.
    @Test func aFoundGroupDropsOutAndTheOtherIsStillFound() {
        for gap in [0, 1, 31, 32, 33, 200] {
            let filler = String(repeating: "w", count: gap)
            #expect(groups("devm_kzalloc(" + filler + "cdev_add(") == 3, "gap \(gap)")
            #expect(groups("miscdevice " + filler + "container_of(") == 3, "gap \(gap)")
            #expect(groups("abcdef " + filler + "video_register_devic") == 0, "gap \(gap)")
        }
    }

    /// The vector search and its portable fallback (CPUs without AVX2) agree: on buffers of
    /// every length up to a few windows, made of needles, their fingerprints alone and
    /// filler, from a fixed seed.
    @Test func theFallbackFindsWhatTheVectorPathFinds() {
        let portable = MultiNeedle(Linter.prefilterNeedles, portable: true)
        let pieces = Linter.prefilterNeedles.map(\.0) + ["cde", "m_k", "deo", "nta", "x", " ", "\n", "struct ", "_dr"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        for _ in 0..<2_000 {
            var text: [UInt8] = []
            while text.count < next(300) { text += Array(pieces[next(pieces.count)].utf8) }
            text.withUnsafeBytes { raw in
                for stop in [1, 3] {
                    #expect(Linter.prefilter.groups(in: raw, stopMask: stop) == portable.groups(in: raw, stopMask: stop),
                            "\(String(decoding: text, as: UTF8.self)) stop \(stop)")
                }
            }
        }
    }
}
