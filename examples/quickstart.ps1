# HaMaster quickstart: a highly-available control plane on this machine (Local provider).
$ErrorActionPreference = 'Stop'
$name = 'quickstart'

"== Create the cluster (one replica; the cluster address is served by it)"
New-HaCluster -Name $name | Out-Default

"== Add two replicas: etcd learners promoted once caught up; HAProxy takes the cluster address"
Add-MasterReplica -Cluster $name -Count 2 | Out-Default

"== The replicas"
Get-MasterReplica -Cluster $name | Out-Default

"== Crash one replica (its processes are killed)"
$victim = @(Get-MasterReplica -Cluster $name | Where-Object EtcdRole -eq 'Follower')[0]
$victim | Stop-MasterReplica

"== It shows as unhealthy, with its problem"
Get-MasterReplica -Cluster $name | Where Unhealthy | Out-Default

"== Replace every unhealthy replica"
Get-MasterReplica | Where Unhealthy | Replace-MasterReplica | Out-Default

"== All healthy again"
Get-MasterReplica -Cluster $name | Out-Default
Get-HaCluster -Name $name | Out-Default

"== Remove the cluster (every process, file and address)"
Remove-HaCluster -Name $name -Force
"Done."
