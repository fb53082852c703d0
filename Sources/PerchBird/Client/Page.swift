import PerchEvents

/// Which page of a list to fetch: Bird's page token, or the legacy API's offset.
public struct PageRequest: Sendable, Hashable {
    /// Items per page (Bird: at most 100; legacy: at most 20 for messages [SDK]).
    public var limit: Int
    /// Bird: the `nextPageToken` of the page before; legacy: the offset, as text. `nil` is the first page.
    public var token: String?

    public init(limit: Int = 50, token: String? = nil) {
        self.limit = limit
        self.token = token
    }

    /// Query parameters for the list endpoint of `generation`.
    func parameters(_ generation: Generation) -> [(String, String)] {
        switch generation {
        case .bird:
            return [("limit", String(limit))] + (token.map { [("pageToken", $0)] } ?? [])
        case .messagebird:
            return [("limit", String(limit)), ("offset", token ?? "0")]
        }
    }
}

/// One page of a list answer, in either generation's shape.
public struct Page: Sendable {
    /// The listed objects (Bird `results`, legacy `items`), in the order Bird gave them.
    public var items: [JSONValue]
    /// The request for the page after this one; `nil` on the last page.
    public var next: PageRequest?

    public init(items: [JSONValue], next: PageRequest?) {
        self.items = items
        self.next = next
    }

    /// Reads a list answer: Bird `{results, nextPageToken}` (absent or empty token = last page),
    /// legacy `{offset, limit, count, totalCount, items}`.
    /// - Parameters:
    ///   - response: what Bird answered.
    ///   - generation: the API that answered.
    ///   - requested: the page that was asked for (its limit and offset carry over).
    public init(_ response: BirdResponse, generation: Generation, requested: PageRequest) {
        let body = response.body
        switch generation {
        case .bird:
            if case .array(let results)? = body?["results"] { items = results } else { items = [] }
            if let token = body?["nextPageToken"]?.stringValue, !token.isEmpty, !items.isEmpty {
                next = PageRequest(limit: requested.limit, token: token)
            } else {
                next = nil
            }
        case .messagebird:
            if case .array(let listed)? = body?["items"] { items = listed } else { items = [] }
            let offset = Int(requested.token ?? "0") ?? 0
            let total = body?["totalCount"]?.stringValue.flatMap { Int($0) } ?? 0
            let reached = offset + items.count
            next = !items.isEmpty && reached < total ? PageRequest(limit: requested.limit, token: String(reached)) : nil
        }
    }
}

extension BirdRequest {
    /// `path` with the query parameters appended, each form-encoded.
    static func path(_ path: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return path }
        return path + "?"
            + query.map { QueryEncoding.escape($0.0) + "=" + QueryEncoding.escape($0.1) }
            .joined(separator: "&")
    }
}
