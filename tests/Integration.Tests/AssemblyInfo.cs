// Every fixture runs real silos and a database; running collections one at a time keeps the two cores for
// the cluster under test and keeps failover timings meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
