// The Azure resources of MlopsFlows as the code stands: the Functions app (isolated worker, Durable Task on Azure
// Storage) on a Flex Consumption plan, its runtime storage, the evidence storage (WORM container + index table) and
// monitoring. No secrets anywhere: the app reaches both storage accounts and Databricks with its managed identity.
targetScope = 'resourceGroup'

@description('Azure region of every resource. Flex Consumption is not offered in every region: pick one that has it.')
param location string = resourceGroup().location

@description('Short prefix of every resource name: 3 to 11 lower-case letters or digits (storage account names allow nothing else).')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('URL of the Databricks workspace, e.g. https://adb-1234567890123456.7.azuredatabricks.net (MlopsFlows:Databricks:WorkspaceUrl).')
@minLength(9)
param databricksWorkspaceUrl string

@description('Days every evidence blob stays write-once-read-many after it is written (container time-based retention). Default 2555 days, about 7 years.')
@minValue(1)
@maxValue(146000)
param evidenceRetentionDays int = 2555

@description('Days the evidence of each risk tier is kept after its release ends, as the active policy set says (evidenceRetention per tier). The app stamps each evidence blob with its tier (blob index tag mlopsflows-retention-tier); lifecycle rules delete it this many days after creation plus retentionGraceDays.')
#disable-next-line use-user-defined-types // a typed object would switch the template to symbolic names for one parameter
param retentionDaysByTier object = {
  low: 730
  medium: 1825
  high: 2555
}

@description('Days added to each tier\'s retention before lifecycle deletion: a blob is written while its release runs, its retention counts from the end.')
@minValue(0)
@maxValue(3650)
param retentionGraceDays int = 90

@description('Id of the policy set (a file in policies/, deployed with the app) that releases follow (MlopsFlows:Policies:Active).')
param activePolicySet string = 'default'

@description('Entra tenant whose tokens the API, the web approval page and actionable messages accept (MlopsFlows:Identity:TenantId).')
param tenantId string = tenant().tenantId

@description('Application ID URI of the API app registration, the audience of API tokens, e.g. api://mlopsflows (MlopsFlows:Identity:Api:Audiences:0).')
@minLength(1)
param apiAudience string

@description('Microsoft app id of the Teams approval bot; empty: no Teams cards (MlopsFlows:Teams:BotAppId). Its client secret is the Key Vault secret teams-bot-secret.')
param teamsBotAppId string = ''

@description('Mailbox approval mails are sent from; empty: no approval mail (MlopsFlows:Email:ServiceMailbox). The app needs Graph Mail.Send for it.')
param serviceMailbox string = ''

@description('Provider id of the actionable-message registration for serviceMailbox (MlopsFlows:Approvals:ActionableMessageOriginator).')
param actionableMessageOriginator string = ''

// Names: the prefix plus a hash of the resource group, so a redeployment to the same group finds the same resources.
var suffix = uniqueString(resourceGroup().id)
var runtimeStorageName = take('${namePrefix}run${suffix}', 24)
var evidenceStorageName = take('${namePrefix}evd${suffix}', 24)
var functionAppName = 'func-${namePrefix}-${suffix}'
var keyVaultName = take('kv-${namePrefix}-${suffix}', 24)

// Secrets never sit in app settings: these reference Key Vault secrets that operators set (see README).
var webhookSecretName = 'databricks-webhook-secret'
var teamsBotSecretName = 'teams-bot-secret'


// Flex Consumption pulls the app package from this container of the runtime account, with the app's identity.
var deploymentContainerName = 'app-package'

// The app's defaults (EvidenceStorageOptions): the WORM container and the index table.
var evidenceContainerName = 'evidence'
var evidenceTableName = 'EvidenceIndex'

// Roles of the app's identity, built-in role definitions (the same GUID in every tenant).
// Durable Functions with an identity needs blobs (leases, large messages), queues (control and work items) and
// tables (history, instances) on the runtime account; Blob Data Owner also covers the host's own containers and the
// Flex Consumption deployment package.
var runtimeRoles = [
  {
    name: 'Storage Blob Data Owner'
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  }
  {
    name: 'Storage Queue Data Contributor'
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  }
  {
    name: 'Storage Table Data Contributor'
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  }
]

// The evidence store writes blobs and index rows and creates its container and table when they are missing; when a
// release ends it stamps its blobs' retention tags and locks them (blob tags need Blob Data Owner).
var evidenceRoles = [
  {
    name: 'Storage Blob Data Owner'
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  }
  {
    name: 'Storage Table Data Contributor'
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  }
]

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: 'log-${namePrefix}-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${namePrefix}-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// Runtime storage: the Functions host and the Durable task hub (queues, tables, blobs). Identity only, no keys.
resource runtimeStorage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: runtimeStorageName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
  }
}

resource runtimeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: runtimeStorage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: runtimeBlobs
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Evidence storage: content-addressed evidence blobs kept WORM, and their index table. Geo-redundant: it is the
// audit record. Identity only, no keys.
resource evidenceStorage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: evidenceStorageName
  location: location
  sku: {
    name: 'Standard_GRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
  }
}

resource evidenceBlobs 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: evidenceStorage
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: 30
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 30
    }
  }
}

resource evidenceContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: evidenceBlobs
  name: evidenceContainerName
  properties: {
    publicAccess: 'None'
    // Version-level WORM: the app locks each release's blobs for its tier's retention when the release ends.
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

// Time-based retention on the container: a blob can be created and read, not changed or deleted, until it is
// evidenceRetentionDays old. Deployed unlocked; lock it once in production (irreversible, see README).
resource evidenceRetention 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2026-06-01' = {
  parent: evidenceContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: evidenceRetentionDays
    allowProtectedAppendWrites: false
  }
}

// Retention per tier, enforced by the storage: each evidence blob carries its tier as a blob index tag (stamped by
// the app when the release ends, with its retain-until date); a rule per tier deletes blobs, and their versions, once
// the tier's retention (plus grace) has passed. The version-level WORM lock keeps anything from going sooner.
resource evidenceLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-06-01' = {
  parent: evidenceStorage
  name: 'default'
  properties: {
    policy: {
      rules: [
        for tier in items(retentionDaysByTier): {
          name: 'evidence-retention-${tier.key}'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${evidenceContainerName}/sha256/'
              ]
              blobIndexMatch: [
                {
                  name: 'mlopsflows-retention-tier'
                  op: '=='
                  value: tier.key
                }
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: tier.value + retentionGraceDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: tier.value + retentionGraceDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    evidenceContainer
  ]
}

resource evidenceTables 'Microsoft.Storage/storageAccounts/tableServices@2026-06-01' = {
  parent: evidenceStorage
  name: 'default'
}

resource evidenceIndex 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = {
  parent: evidenceTables
  name: evidenceTableName
}

// Key Vault for the app's few secrets (webhook signing secret, the bot's client secret), read with its identity.
resource keyVault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

// The key that signs audit packets: EC P-256 in the vault; the app signs through Key Vault and never sees the private
// key. Auditors pin its public key (every packet carries it) by fingerprint.
resource packetSigningKey 'Microsoft.KeyVault/vaults/keys@2026-02-01' = {
  parent: keyVault
  name: 'packet-signing'
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [
      'sign'
      'verify'
    ]
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: 'plan-${namePrefix}-${suffix}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Flex Consumption takes the runtime from functionAppConfig: no FUNCTIONS_WORKER_RUNTIME or
      // FUNCTIONS_EXTENSION_VERSION here. Keys use "__" for the ":" of the configuration keys the app binds.
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: runtimeStorage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'MlopsFlows__Databricks__WorkspaceUrl'
          value: databricksWorkspaceUrl
        }
        {
          name: 'MlopsFlows__Evidence__BlobServiceUri'
          value: evidenceStorage.properties.primaryEndpoints.blob
        }
        {
          name: 'MlopsFlows__Evidence__TableServiceUri'
          value: evidenceStorage.properties.primaryEndpoints.table
        }
        {
          name: 'MlopsFlows__Policies__Active'
          value: activePolicySet
        }
        {
          name: 'MlopsFlows__Identity__TenantId'
          value: tenantId
        }
        {
          name: 'MlopsFlows__Identity__Api__Audiences__0'
          value: apiAudience
        }
        {
          name: 'MlopsFlows__Approvals__PublicBaseUrl'
          value: 'https://${functionAppName}.azurewebsites.net'
        }
        {
          name: 'MlopsFlows__Webhooks__Databricks__Secret'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${webhookSecretName})'
        }
        {
          name: 'MlopsFlows__Teams__BotAppId'
          value: teamsBotAppId
        }
        {
          name: 'MlopsFlows__Teams__TenantId'
          value: tenantId
        }
        {
          name: 'MlopsFlows__Teams__ServiceUrl'
          value: 'https://smba.trafficmanager.net/teams/'
        }
        {
          name: 'MlopsFlows__Teams__ClientCredentials__TokenEndpoint'
          value: '${environment().authentication.loginEndpoint}${tenantId}/oauth2/v2.0/token'
        }
        {
          name: 'MlopsFlows__Teams__ClientCredentials__ClientId'
          value: teamsBotAppId
        }
        {
          name: 'MlopsFlows__Teams__ClientCredentials__ClientSecret'
          value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${teamsBotSecretName})'
        }
        {
          name: 'MlopsFlows__Packets__Signing__KeyVaultKeyId'
          value: packetSigningKey.properties.keyUri
        }
        {
          name: 'MlopsFlows__Email__ServiceMailbox'
          value: serviceMailbox
        }
        {
          name: 'MlopsFlows__Approvals__ActionableMessageOriginator'
          value: actionableMessageOriginator
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${runtimeStorage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 100
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource runtimeRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in runtimeRoles: {
    name: guid(runtimeStorage.id, functionApp.id, role.id)
    scope: runtimeStorage
    properties: {
      description: '${role.name} for ${functionApp.name}'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: functionApp.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource evidenceRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in evidenceRoles: {
    name: guid(evidenceStorage.id, functionApp.id, role.id)
    scope: evidenceStorage
    properties: {
      description: '${role.name} for ${functionApp.name}'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.id)
      principalId: functionApp.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Key Vault Secrets User: the app resolves its Key Vault references, nothing more.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, functionApp.id, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: keyVault
  properties: {
    description: 'Key Vault Secrets User for ${functionApp.name}'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Crypto User: the app reads the packet signing key's public part and signs with it.
resource keyVaultCryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, functionApp.id, '12338af0-0e69-4776-bea7-57ae8d297424')
  scope: keyVault
  properties: {
    description: 'Key Vault Crypto User for ${functionApp.name}'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Key id of the audit packet signing key (EC P-256); give auditors its public key or fingerprint.')
output packetSigningKeyId string = packetSigningKey.properties.keyUri

@description('Name of the Key Vault that holds databricks-webhook-secret and teams-bot-secret (set them after deployment).')
output keyVaultName string = keyVault.name

@description('Name of the Function App (for `func azure functionapp publish` or `az functionapp deployment`).')
output functionAppName string = functionApp.name

@description('Default host name of the Function App; the API is at https://<host>/api.')
output defaultHostName string = functionApp.properties.defaultHostName

@description('Name of the evidence storage account (container evidence, table EvidenceIndex).')
output evidenceStorageAccountName string = evidenceStorage.name
