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
        .target(name: "Subsystems", dependencies: ["Instrumentation", "DriverCore", "CharDev"]),
        // A user of the core like any real driver: simulated boards, buses and drivers.
        .target(name: "SimHardware", dependencies: ["Instrumentation", "DriverCore", "CharDev", "Subsystems"]),
        // Scenario files: the types, the YAML/JSON reader with located errors, the schema.
        .target(name: "DriverDescription", dependencies: ["Instrumentation", "DriverCore", "CharDev", "Revocable", "Subsystems"]),

        .target(name: "ScenarioModel", dependencies: ["Instrumentation", "CharDev", "SimHardware", "DriverDescription", .product(name: "Yams", package: "Yams")]),
        // The one pipeline that runs a scenario (board, steps, findings) for run, explore and the rest.
        .target(name: "ScenarioExecution", dependencies: ["ScenarioModel", "DriverDescription", "SimHardware", "Subsystems", "CharDev", "DriverCore",
                                                         "Instrumentation", "Sanitizer"]),
        // Reports of runs: text, JSON, KTAP, Perfetto, SVG.
        .target(name: "ScenarioReports", dependencies: ["ScenarioExecution", "ScenarioModel", "DriverCore", "Instrumentation"]),
        // The logical-lifetime sanitizer: KASAN/lockdep-shaped reports from the event stream.
        .target(name: "Sanitizer", dependencies: ["DriverCore", "CharDev", "Revocable", "Instrumentation"]),
        // Swift Testing helpers for the sanitizer (a finding becomes a test Issue): tests only,
        // so the sanitizer and the CLI never link the test framework.
        .target(name: "SanitizerTesting", dependencies: ["Sanitizer"]),
        // The deterministic interleaving explorer's engine: actors serialised at scheduling points,
        // bounded search, replay strings. Knows no devices and no scenarios.
        .target(name: "ExplorerEngine", dependencies: ["CShim", "Instrumentation"]),
        // The explorer's scenario adapter: a scenario as an exploration program.
        .target(name: "Explorer", dependencies: ["Instrumentation", "DriverCore", "CharDev", "ScenarioModel", "ScenarioExecution", "Sanitizer", "ExplorerEngine"]),
        // A second model of the cdev lifetime protocol, in Promela, for a SPIN cross-check of the explorer.
        .target(name: "PromelaExport", dependencies: ["SimHardware", "ScenarioModel"]),
        // The kernel test suites (KUnit, kselftest) as runnable conformance cases, for `devmodel conformance`.
        .target(name: "Conformance", dependencies: ["SimHardware", "Subsystems", "CharDev", "DriverCore", "Revocable",
                                                    "Instrumentation"]),
        // rcutorture-style stress on real threads, with negative controls.
        .target(name: "Torture", dependencies: ["Instrumentation", "Revocable", "DriverCore", "CharDev", "Subsystems", "SimHardware", "Sanitizer", "ScenarioModel", "ScenarioExecution"]),
        // fail-nth over every probe of the simulated board.
        .target(name: "FaultSweep", dependencies: ["SimHardware", "DriverCore", "Sanitizer", "Instrumentation", "ScenarioModel", "ScenarioExecution"]),
        // Real kernel lifetime bugs, each as the buggy pattern and the fixed design (teaching material).
        .target(name: "BugCorpus", dependencies: ["ScenarioModel", "Explorer", "Instrumentation", "DriverCore", "CharDev", "Subsystems", "SimHardware", "Sanitizer", "Torture", "ExplorerEngine"]),
        // The model against Linux: plans for the in-kernel executor, step diffs, the KUnit table
        // (Scripts/kernel/). Needs no kernel itself.
        .target(name: "KernelCheck", dependencies: ["ScenarioModel"]),
        // The lint prefilter's vectorised fingerprint search (AVX2 chosen at run time, without
        // compiler flags): what Swift cannot spell.
        .target(name: "CByteScan"),
        // `devmodel lint`: devm-lifetime hazards in kernel C. Depends on nothing else here.
        .target(name: "DevmLint", dependencies: ["CByteScan"]),
        // `devmodel lint --witness`: each finding's witness scenario written and explored.
        .target(name: "LintWitness", dependencies: ["DevmLint", "Explorer", "ScenarioModel"]),
        // Standalone runner of the lint for the corpus script (Scripts/lint-corpus.sh).
        .executableTarget(name: "devmodel-lint", dependencies: ["DevmLint"]),
        .executableTarget(
            name: "devmodel",
            dependencies: [
                "DriverCore", "CharDev", "Subsystems", "SimHardware", "ScenarioModel", "ScenarioExecution", "ScenarioReports", "Conformance", "Torture", "FaultSweep", "BugCorpus", "ExplorerEngine", "Explorer", "Instrumentation", "DevmLint",
                "LintWitness", "PromelaExport", "KernelCheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Benchmarks with ratios against baselines measured in the same run (`swift run -c release devmodel-bench`).
        .executableTarget(
            name: "devmodel-bench",
            dependencies: ["CShim", "Instrumentation", "Revocable", "DriverCore", "CharDev", "Subsystems", "SimHardware", "ScenarioModel", "Sanitizer", "ExplorerEngine", "Explorer"]),
        .testTarget(name: "InstrumentationTests", dependencies: ["Instrumentation"]),
        .testTarget(name: "RevocableTests", dependencies: ["CShim", "Instrumentation", "Revocable"]),
        .testTarget(name: "DriverCoreTests", dependencies: ["Instrumentation", "Revocable", "DriverCore"]),
        .testTarget(name: "CharDevTests", dependencies: ["Instrumentation", "DriverCore", "CharDev"]),
        .testTarget(name: "SubsystemsTests", dependencies: ["Subsystems", "CharDev", "DriverCore", "Instrumentation", "SimHardware"]),
        .testTarget(name: "SimHardwareTests", dependencies: ["Instrumentation", "DriverCore", "CharDev", "Subsystems", "SimHardware"]),
        .testTarget(name: "SanitizerTests", dependencies: ["Sanitizer", "SanitizerTesting", "DriverCore", "CharDev", "Subsystems", "Revocable", "Instrumentation"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Instrumentation", "Revocable", "DriverCore", "CharDev", "Subsystems", "SimHardware", "ScenarioModel", "ScenarioExecution", "Sanitizer", "ExplorerEngine", "Explorer"]),
        .testTarget(name: "ConformanceTests", dependencies: ["Conformance"]),
        .testTarget(name: "TortureTests", dependencies: ["Instrumentation", "DriverCore", "SimHardware", "ScenarioModel", "ScenarioExecution", "Torture"]),
        .testTarget(name: "FaultSweepTests", dependencies: ["Instrumentation", "DriverCore", "ScenarioModel", "ScenarioExecution", "FaultSweep"]),
        .testTarget(name: "BugCorpusTests", dependencies: ["Instrumentation", "BugCorpus"]),
        .testTarget(name: "PromelaExportTests", dependencies: ["ScenarioModel", "ExplorerEngine", "Explorer", "PromelaExport"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Instrumentation", "DriverCore", "CharDev", "SimHardware", "ScenarioModel", "ScenarioExecution", "ScenarioReports", "Sanitizer"], exclude: ["Golden"]),
        .testTarget(name: "KernelCheckTests", dependencies: ["ScenarioModel", "Conformance", "KernelCheck"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DevmLintTests", dependencies: ["DevmLint"], resources: [.copy("Fixtures")]),
        // Reads DevmLintTests' fixtures in place (by #filePath), explores their witnesses.
        .testTarget(name: "LintWitnessTests", dependencies: ["DevmLint", "LintWitness"]),
        // Package.swift against the imports and Docs/architecture.md (reads files only).
        .testTarget(name: "ArchitectureTests"),
        // The devmodel executable run as a process; fails (never skips) when it is not built.
        .testTarget(name: "DevmodelCLITests"),
    ]
)
