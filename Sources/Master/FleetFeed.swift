import Support

/// The dashboard's live fleet on `/events`, as `fleet` events of at most `maximumEventBytes`:
///
/// - a snapshot per viewer when it connects: every node (`LiveNodeJSON`), in pages
///   (`"kind":"snapshot"`, `"first"` on the page that starts it, `"last"` on the one that ends it),
///   sent only while the viewer has less than `pageBudget` bytes queued, so a 10 000-node fleet
///   reaches a slow viewer slowly instead of overflowing its buffer;
/// - then each second the nodes that changed (heard from, or a status change such as going
///   offline) and the queues (`"kind":"delta"`), to every viewer. A viewer that could not take a
///   delta without passing `deltaBudget` queued bytes skips it and gets a fresh snapshot instead.
///
/// Every event carries `total` (nodes listed) and the queue depths. Runs on one thread (the
/// master's `live` thread); only `LiveUpdates` is shared.
final class FleetFeed {
    static let maximumEventBytes = 64 * 1024

    let fleet: FleetView
    let live: LiveUpdates
    /// Queued bytes under which a viewer gets its next snapshot page.
    let pageBudget: Int
    /// Queued bytes a delta may bring a viewer to; past it the viewer is sent a snapshot again.
    let deltaBudget: Int
    /// What each node looked like at the last delta: when last heard, and its status.
    private var fingerprints: [String: (lastHeard: UInt64, status: String)] = [:]

    init(fleet: FleetView, live: LiveUpdates, pageBudget: Int = 256 * 1024, deltaBudget: Int = 768 * 1024) {
        self.fleet = fleet
        self.live = live
        self.pageBudget = pageBudget
        self.deltaBudget = deltaBudget
    }

    /// Once a second: finds the nodes that changed and sends them to every viewer. Runs with no
    /// viewers too, so the first viewer's deltas are changes, not the whole fleet.
    /// With no viewers it only notes the fingerprints (no JSON is made for nobody).
    func publishChanges(now: UInt64 = Clock.monotonicNanoseconds()) {
        let viewers = live.viewers()
        var changed: [String] = []
        for node in fleet.nodes {
            let fingerprint = (node.lastHeard, fleet.status(of: node, now: now))
            let id = node.heartbeat.nodeID
            if let previous = fingerprints[id], previous == fingerprint { continue }
            fingerprints[id] = fingerprint
            if !viewers.isEmpty { changed.append(LiveNodeJSON.text(node, status: fingerprint.1)) }
        }
        guard !viewers.isEmpty else { return }
        let pages = Self.pages(of: changed, kind: "delta", header: header())
        let bytes = pages.reduce(0) { $0 + $1.utf8.count }
        for (id, viewer, _) in viewers {
            if viewer.bufferedBytes() + bytes > deltaBudget {
                live.setSnapshotNext(0, for: id)  // pages it can take, fresher than the delta it skips
                continue
            }
            for page in pages where !live.send(event: "fleet", data: page, to: id, viewer) { break }
        }
    }

    /// Often (every 100 ms): sends snapshot pages to viewers catching up, as far as each drains.
    func continueSnapshots(now: UInt64 = Clock.monotonicNanoseconds()) {
        let waiting = live.viewers().filter { $0.snapshotNext != nil }
        guard !waiting.isEmpty else { return }
        let listing = fleet.listing().nodes
        let header = header(total: listing.count)
        for (id, viewer, snapshotNext) in waiting {
            var next = min(snapshotNext ?? 0, listing.count)
            var first = snapshotNext == 0
            while viewer.bufferedBytes() < pageBudget {
                let (page, end) = self.page(of: listing, from: next, now: now, first: first, header: header)
                guard live.send(event: "fleet", data: page, to: id, viewer) else { break }
                next = end
                first = false
                if next >= listing.count {
                    live.setSnapshotNext(nil, for: id)
                    break
                }
                live.setSnapshotNext(next, for: id)
            }
        }
    }

    /// `"total":N,"queues":[…]`, the part every event carries.
    private func header(total: Int? = nil) -> String {
        let queues = fleet.queues.map { queue in
            "{\"capability\":" + JSONStringLiteral.quoted(queue.capability) + ",\"pending\":\(queue.pending),"
                + "\"running\":\(queue.running)}"
        }
        return "\"total\":\(total ?? fleet.count),\"queues\":[" + queues.joined(separator: ",") + "]"
    }

    /// A snapshot page from `start`: as many nodes as fit (at least one), and where the next starts.
    private func page(of listing: [FleetView.Listed], from start: Int, now: UInt64, first: Bool, header: String)
        -> (text: String, end: Int)
    {
        var text = "{\"kind\":\"snapshot\",\"first\":\(first)," + header + ",\"nodes\":["
        var end = start
        while end < listing.count {
            let node: String
            switch listing[end] {
            case .live(let live): node = LiveNodeJSON.text(live, status: fleet.status(of: live, now: now))
            case .remembered(let remembered): node = remembered.live
            }
            if end > start && text.utf8.count + node.utf8.count + 32 > Self.maximumEventBytes { break }
            if end > start { text += "," }
            text += node
            end += 1
        }
        text += "],\"last\":\(end >= listing.count)}"
        return (text, end)
    }

    /// `nodes` split into events of at most `maximumEventBytes` (one event when there are none).
    static func pages(of nodes: [String], kind: String, header: String) -> [String] {
        let opening = "{\"kind\":\"" + kind + "\"," + header + ",\"nodes\":["
        var pages: [String] = []
        var text = opening
        var count = 0
        for node in nodes {
            if count > 0 && text.utf8.count + node.utf8.count + 2 > maximumEventBytes {
                pages.append(text + "]}")
                text = opening
                count = 0
            }
            if count > 0 { text += "," }
            text += node
            count += 1
        }
        pages.append(text + "]}")
        return pages
    }
}
