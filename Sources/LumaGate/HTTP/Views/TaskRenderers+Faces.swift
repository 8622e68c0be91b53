extension TaskRenderers {
    /// The faces' renderers: the relay-format view is stored and posted to a relay-format
    /// `notify_hook`; an official `callback_url` gets the official Generation object; a finished
    /// video, whichever face made it, is offered to its token's OpenAI webhook endpoints.
    public static let faces = TaskRenderers(
        storedView: StoredView.luma,
        webhooks: { task, storedView in
            var webhooks: [(url: String, payload: String)] = []
            if let url = task.request.notifyHook { webhooks.append((url, storedView)) }
            if let url = task.request.callbackURL { webhooks.append((url, StoredView.dreamMachine(task))) }
            return webhooks
        },
        endpointEvent: OpenAIWebhookEvent.of)
}
