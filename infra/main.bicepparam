// Example values for a development deployment. Copy to a file of your own for another environment.
using 'main.bicep'

param namePrefix = 'mlopsdev'

param databricksWorkspaceUrl = 'https://adb-1234567890123456.7.azuredatabricks.net'

// Keep development evidence for 30 days only; production keeps the default (2555 days, about 7 years).
param evidenceRetentionDays = 30

param activePolicySet = 'default'

// The API's app registration (Application ID URI); Databricks jobs and operators get tokens for it.
param apiAudience = 'api://mlopsflows-dev'
