using FilmTrip.Hook.Deploys;

namespace FilmTrip.Hook.Notifications;

public static class NotificationsSetup
{
    /// <summary>Deploy notifications (issue #12): an observer that never waits, a sender in the background.</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        // No request logging: robot URLs carry their credential in the path (Feishu, Slack) or the query (DingTalk, WeCom).
        services.AddHttpClient(NotificationSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<FailureLines>();
        services.AddSingleton<NotificationObserver>();
        services.AddSingleton<IDeployObserver>(sp => sp.GetRequiredService<NotificationObserver>());
        services.AddHostedService<NotificationSender>();
        return services;
    }
}
