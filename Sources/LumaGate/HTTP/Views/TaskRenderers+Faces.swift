extension TaskRenderers {
    /// The faces' renderers: the relay-format view is stored and posted to a relay-format
    /// `notify_hook`; an official `callback_url` gets the official Generation object; an
    /// AceDataCloud `callback_url` the finished video object, a PiAPI webhook each change as
    /// `{timestamp, data}` with the client's secret; a finished video, whichever face made it, is
    /// offered to its token's OpenAI webhook endpoints.
    public static let faces = TaskRenderers(
        storedView: StoredView.luma,
        webhooks: { task, storedView in
            var webhooks: [OwedWebhook] = []
            if let url = task.request.notifyHook { webhooks.append(OwedWebhook(url: url, payload: storedView)) }
            if let url = task.request.callbackURL { webhooks.append(OwedWebhook(url: url, payload: StoredView.dreamMachine(task))) }
            if let origin = task.request.origin, let url = origin.webhookURL {
                switch origin.dialect {
                case .aceDataCloud where task.state.isTerminal:
                    webhooks.append(OwedWebhook(url: url, payload: AceDataCloudVideoView(mediaURL: StoredView.placeholder).video(task).serialized()))
                case .aceDataCloud:
                    break
                case .piAPI:
                    let payload = PiAPITaskView(mediaURL: StoredView.placeholder).webhook(task).serialized()
                    webhooks.append(OwedWebhook(url: url, payload: payload, sharedSecret: origin.webhookSecret))
                }
            }
            return webhooks
        },
        endpointEvent: OpenAIWebhookEvent.of)
}
