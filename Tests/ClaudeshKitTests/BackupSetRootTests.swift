import Foundation
import Testing
@testable import ClaudeshKit

/// What a backup set says of a root it cannot take.
struct BackupSetRootTests {
    @Test func aRootNamedOutsideTheHomeIsSaidToBeOutsideNotALinkToItself() throws {
        let folder = temporaryFolder("backup-set")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let home = folder + "/home", store = folder + "/store"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        let set = BackupSet(roots: [store], excluded: [], home: home)
        #expect(throws: BackupSet.Error.outsideHome(store, home: home)) { try set.presentRoots() }
    }

    @Test func aLinkInTheHomeToOutsideIsSaidToBeALink() throws {
        let folder = temporaryFolder("backup-set")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let home = folder + "/home", store = folder + "/store"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home + "/.password-store", withDestinationPath: store)
        let set = BackupSet(roots: [home + "/.password-store"], excluded: [], home: home)
        #expect(throws: BackupSet.Error.outsideLink(home + "/.password-store", target: Path.real(store)!)) { try set.presentRoots() }
    }
}
