import PerchEvents

/// Webhook subscriptions (Bird platform, Notifications API) and webhooks (legacy Conversations API),
/// reference section 3.1 and 3.3.
///
/// Bird documents two paths for subscriptions: `/organizations/{org}/workspaces/{ws}/webhook-subscriptions`
/// (current page) and `/workspaces/{ws}/webhook-subscriptions` (older page). Perch uses the
/// organization path when an organization id is known (`BIRD_ORGANIZATION_ID`) and the workspace
/// path otherwise.
extension BirdRequest {
    /// Base path of the webhook subscriptions of a workspace.
    static func subscriptionsPath(organizationID: String?, workspaceID: String) -> String {
        if let organizationID, !organizationID.isEmpty {
            return "/organizations/\(segment(organizationID))/workspaces/\(segment(workspaceID))/webhook-subscriptions"
        }
        return "/workspaces/\(segment(workspaceID))/webhook-subscriptions"
    }

    /// Bird: subscribes `url` to one event of one service (Bird allows one event per subscription).
    /// - Parameters:
    ///   - service: `conversations`, `channels`, ...
    ///   - event: `conversation.created`, `whatsapp.inbound`, ...
    ///   - url: where Bird posts (https only, at Bird).
    ///   - signingKey: the key Bird signs deliveries with; Bird never shows it again.
    ///   - eventFilters: AND-ed filters such as `channelId`.
    public static func createWebhookSubscription(
        service: String, event: String, url: String, signingKey: String?, eventFilters: [(String, String)] = [],
        organizationID: String?, workspaceID: String
    ) -> BirdRequest {
        var body: [String: JSONValue] = [
            "service": .string(service), "event": .string(event), "url": .string(url),
        ]
        if let signingKey { body["signingKey"] = .string(signingKey) }
        if !eventFilters.isEmpty {
            body["eventFilters"] = .array(
                eventFilters.map { .object(["key": .string($0.0), "value": .string($0.1)]) })
        }
        return BirdRequest(
            generation: .bird, method: "POST",
            path: subscriptionsPath(organizationID: organizationID, workspaceID: workspaceID), body: .object(body),
            endpoint: "create_webhook_subscription")
    }

    /// Bird: a page of the workspace's webhook subscriptions.
    public static func listWebhookSubscriptions(page: PageRequest, organizationID: String?, workspaceID: String)
        -> BirdRequest
    {
        BirdRequest(
            generation: .bird, method: "GET",
            path: path(
                subscriptionsPath(organizationID: organizationID, workspaceID: workspaceID),
                query: page.parameters(.bird)),
            endpoint: "list_webhook_subscriptions")
    }

    /// Bird: deletes one webhook subscription.
    public static func deleteWebhookSubscription(_ id: String, organizationID: String?, workspaceID: String)
        -> BirdRequest
    {
        BirdRequest(
            generation: .bird, method: "DELETE",
            path: subscriptionsPath(organizationID: organizationID, workspaceID: workspaceID) + "/\(segment(id))",
            endpoint: "delete_webhook_subscription")
    }

    /// Legacy: `POST /webhooks {events, url, channelId?}`.
    public static func createWebhook(events: [String], url: String, channelID: String?) -> BirdRequest {
        var body: [String: JSONValue] = ["events": .array(events.map(JSONValue.string)), "url": .string(url)]
        if let channelID { body["channelId"] = .string(channelID) }
        return BirdRequest(
            generation: .messagebird, method: "POST", path: "/webhooks", body: .object(body),
            endpoint: "create_webhook")
    }

    /// Legacy: a page of webhooks (`GET /webhooks?limit&offset`).
    public static func listWebhooks(page: PageRequest) -> BirdRequest {
        BirdRequest(
            generation: .messagebird, method: "GET", path: path("/webhooks", query: page.parameters(.messagebird)),
            endpoint: "list_webhooks")
    }

    /// Legacy: deletes one webhook.
    public static func deleteWebhook(_ id: String) -> BirdRequest {
        BirdRequest(
            generation: .messagebird, method: "DELETE", path: "/webhooks/\(segment(id))", endpoint: "delete_webhook")
    }
}
