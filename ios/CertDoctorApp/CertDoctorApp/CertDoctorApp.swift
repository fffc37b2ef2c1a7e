// The iOS app: one screen (ContentView) over CertDoctorKit. All diagnosis logic is in the core.
import SwiftUI

@main
struct CertDoctorApp: App {
    @StateObject private var model = CheckModel()
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            ContentView()
                .environmentObject(model)
                .onOpenURL { url in model.add(urls: [url]) }
        }
        .onChange(of: scenePhase) { phase in
            // Files the Share Extension left in the app group container.
            if phase == .active { model.collectSharedInbox() }
        }
    }
}
