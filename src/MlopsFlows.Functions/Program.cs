using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MlopsFlows.Api;
using MlopsFlows.Integrations;
using MlopsFlows.Integrations.Policies;

// The deployable host: Azure Functions (isolated worker) with the Durable extension. It only wires the layers below;
// the triggers in Releases/ translate bindings into calls of the same workflows and HTTP handlers the local host uses.
// Activity classes need no registration: triggers build them from the container, which holds their ports.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddReleasesApi(builder.Configuration);
builder.Services.AddMlopsFlowsIntegrations(builder.Configuration);
builder.Services.AddPolicies(builder.Configuration);

// RunAsync (not Run) and dispose: a host whose Main never returns hangs on SIGTERM.
using var host = builder.Build();

// A bad policy file stops the app at start-up, naming file and line, before any release can start.
host.Services.GetRequiredService<MlopsFlows.Domain.Policies.PolicySet>();
await host.RunAsync();
