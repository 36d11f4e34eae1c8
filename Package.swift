// swift-tools-version: 6.2
// Swift 6 language mode (the default for tools 6.x): strict concurrency checking is an error.
import PackageDescription

let package = Package(
    name: "DriverModel",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DriverModel", targets: ["DriverCore", "Revocable", "CharDev", "Subsystems", "SimHardware"]),
        .executable(name: "devmodel", targets: ["devmodel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The CLI's diagnostics on stderr, with -v/-q choosing the level.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Thread-local slots, membarrier, gettid: what Swift cannot spell on Linux.
        .target(name: "CShim"),
        // The hooks every later tool uses: event stream, scheduling points, model locks.
        .target(name: "Instrumentation", dependencies: ["CShim"]),
        // The revocation fence. Knows no devices.
        .target(name: "Revocable", dependencies: ["Instrumentation", "CShim"]),
        // Devices, buses, drivers, binding, devres, object-lifetime resources, links.
        .target(name: "DriverCore", dependencies: ["Instrumentation", "Revocable", "CShim"]),
        // Device nodes and open files that outlive drivers: the one lifetime helper.
        .target(name: "CharDev", dependencies: ["DriverCore", "Revocable", "Instrumentation"]),
        // GPIO, I2C (+ i2c-dev), SPI (+ spidev), watchdog, misc: thin, all on CharDev's helper.
        .target(name: "Subsystems", dependencies: ["CharDev", "DriverCore", "Revocable", "Instrumentation"]),
        // A user of the core like any real driver: simulated boards, buses and drivers.
        .target(name: "SimHardware", dependencies: ["DriverCore", "Subsystems", "CharDev"]),
        // One scenario model (files, result builder, runner) for tests, the CLI and the explorer.
        .target(name: "Scenarios", dependencies: ["SimHardware", "Subsystems", "CharDev", "DriverCore", "Instrumentation",
                                                 "Sanitizer",
                                                 .product(name: "Yams", package: "Yams")]),
        // The logical-lifetime sanitizer: KASAN/lockdep-shaped reports from the event stream.
        .target(name: "Sanitizer", dependencies: ["DriverCore", "CharDev", "Revocable", "Instrumentation"]),
        // The deterministic interleaving explorer: actors serialised at the model's scheduling points.
        .target(name: "Explorer", dependencies: ["Scenarios", "Sanitizer", "SimHardware", "Subsystems", "CharDev", "DriverCore",
                                                "Revocable", "Instrumentation", "CShim"]),
        // A second model of the cdev lifetime protocol, in Promela, for a SPIN cross-check of the explorer.
        .target(name: "PromelaExport", dependencies: ["Scenarios"]),
        // The kernel test suites (KUnit, kselftest) as runnable conformance cases, for `devmodel conformance`.
        .target(name: "Conformance", dependencies: ["SimHardware", "Subsystems", "CharDev", "DriverCore", "Revocable",
                                                    "Instrumentation"]),
        // rcutorture-style stress on real threads, with negative controls.
        .target(name: "Torture", dependencies: ["SimHardware", "Subsystems", "CharDev", "DriverCore", "Sanitizer",
                                               "Instrumentation"]),
        // fail-nth over every probe of the simulated board.
        .target(name: "FaultSweep", dependencies: ["SimHardware", "DriverCore", "Sanitizer", "Instrumentation"]),
        // Real kernel lifetime bugs, each as the buggy pattern and the fixed design (teaching material).
        .target(name: "BugCorpus", dependencies: ["Explorer", "Torture", "SimHardware", "Subsystems", "CharDev", "DriverCore",
                                                 "Sanitizer", "Instrumentation"]),
        // `devmodel lint`: devm-lifetime hazards in kernel C. Depends on nothing.
        .target(name: "DevmLint"),
        // Standalone runner of the lint for the corpus script (Scripts/lint-corpus.sh).
        .executableTarget(name: "devmodel-lint", dependencies: ["DevmLint"]),
        .executableTarget(
            name: "devmodel",
            dependencies: [
                "DriverCore", "CharDev", "Subsystems", "SimHardware", "Scenarios", "Conformance", "Torture", "FaultSweep", "BugCorpus", "Explorer", "Instrumentation", "DevmLint",
                "PromelaExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Benchmarks with ratios against baselines measured in the same run (`swift run -c release devmodel-bench`).
        .executableTarget(
            name: "devmodel-bench",
            dependencies: ["DriverCore", "Revocable", "CharDev", "Subsystems", "SimHardware", "Sanitizer", "Instrumentation", "CShim",
                           "Explorer", "Scenarios"]),
        .testTarget(name: "InstrumentationTests", dependencies: ["Instrumentation"]),
        .testTarget(name: "RevocableTests", dependencies: ["Revocable", "Instrumentation"]),
        .testTarget(name: "DriverCoreTests", dependencies: ["DriverCore", "Instrumentation"]),
        .testTarget(name: "CharDevTests", dependencies: ["CharDev", "DriverCore", "Revocable", "Instrumentation"]),
        .testTarget(name: "SubsystemsTests", dependencies: ["Subsystems", "CharDev", "DriverCore", "Instrumentation", "SimHardware"]),
        .testTarget(name: "SimHardwareTests", dependencies: ["SimHardware", "DriverCore"]),
        .testTarget(name: "SanitizerTests", dependencies: ["Sanitizer", "DriverCore", "CharDev", "Subsystems", "Revocable", "Instrumentation"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "Scenarios", "SimHardware", "Subsystems", "CharDev",
                                                           "DriverCore", "Revocable", "Instrumentation"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance"]),
        .testTarget(name: "TortureTests", dependencies: ["Torture"]),
        .testTarget(name: "FaultSweepTests", dependencies: ["FaultSweep"]),
        .testTarget(name: "BugCorpusTests", dependencies: ["BugCorpus"]),
        .testTarget(name: "PromelaExportTests", dependencies: ["PromelaExport", "Explorer", "Scenarios"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "SimHardware", "CharDev", "DriverCore", "Instrumentation"], exclude: ["Golden"]),
        .testTarget(name: "DevmLintTests", dependencies: ["DevmLint"], resources: [.copy("Fixtures")]),
        // The devmodel executable run as a process; fails (never skips) when it is not built.
        .testTarget(name: "DevmodelCLITests"),
    ]
)
