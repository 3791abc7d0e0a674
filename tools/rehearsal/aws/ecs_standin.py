"""What ECS would do, for one emulated account of the rehearsal.

moto's ECS keeps services and task definitions but runs nothing: an
UpdateService only swaps the service's task definition, and no deployment
ever changes state. This stand-in, a thread inside the emulated account's
moto process, does the part of ECS that the deploy and audit tools observe:

- UpdateService with a new task definition (or forceNewDeployment) starts a
  new PRIMARY deployment IN_PROGRESS; the old one becomes ACTIVE.
- For a deployment IN_PROGRESS it starts desiredCount tasks of its task
  definition: the image is pulled **by digest from this account's
  registry** (the task definition names the ECR repository; the rehearsal's
  Distribution registry stands in for ECR's data plane) and run from its
  rootfs under bubblewrap with the task definition's environment (runner:
  tools/rehearsal/task). Each task gets a slot port where a Fargate task
  would get its own IP; the gateway's upstream lists the slots, as the NLB's
  target group lists task IPs.
- A task is healthy when GET /health on it answers 200 (the NLB's health
  check). When all new tasks are healthy the deployment is COMPLETED, the
  old tasks get SIGTERM and the old deployment goes. A new task that never
  becomes healthy counts as failed; after FAILURE_THRESHOLD failures the
  deployment is FAILED and rolled back (the circuit breaker): the previous
  deployment is PRIMARY again and its tasks never stopped.
- An image that cannot be pulled is retried every PULL_RETRY_S seconds (ECS
  keeps trying too); it does not trip the breaker, so a service applied by
  Terraform before its image is pushed starts once the push lands.
- Running tasks are ECS tasks: ListTasks/DescribeTasks show them with
  containers[].imageDigest, the digest of the manifest actually pulled.
"""

import json
import subprocess
import threading
import time
import urllib.request

FAILURE_THRESHOLD = 2
PULL_RETRY_S = 3.0
HEALTHY_WITHIN_S = 20.0
TICK_S = 0.5


class TaskStartFailed(Exception):
    def __init__(self, message, pull_failed):
        super().__init__(message)
        self.pull_failed = pull_failed


def now():
    from moto.core.utils import utcnow
    return utcnow()


def healthy(port, deadline):
    """Whether GET /health on the task answers 200 before the deadline."""
    while time.time() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1) as answer:
                if answer.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(0.2)
    return False


class EcsStandIn(threading.Thread):
    def __init__(self, account_id, region, runner, registry, slot_ports, log):
        super().__init__(name="ecs-standin", daemon=True)
        self.account_id = account_id
        self.region = region
        self.runner = runner            # tools/rehearsal/task
        self.registry = registry        # host:port of the registry standing in for ECR
        self.slot_ports = list(slot_ports)
        self.log = log
        self.lock = threading.RLock()
        self.running = {}               # task arn -> {"slot", "port", "deployment", "service"}
        self.failures = {}              # deployment id -> count
        self.retry_at = {}              # deployment id -> time

    # ------------------------------------------------------------ moto side

    def backend(self):
        from moto.ecs.models import ecs_backends
        return ecs_backends[self.account_id][self.region]

    def install(self):
        """Patches UpdateService so a new task definition is a new deployment."""
        from moto.ecs import models

        original = models.EC2ContainerServiceBackend.update_service
        standin = self

        def update_service(backend, properties):
            service_name = properties.get("service", "").split("/")[-1]
            cluster = properties.get("cluster", "default")
            force = bool(properties.get("force_new_deployment"))
            with standin.lock:
                before = backend._get_service(cluster, service_name).task_definition
                service = original(backend, properties)
                if service.task_definition != before or force:
                    standin.new_deployment(service)
            return service

        models.EC2ContainerServiceBackend.update_service = update_service

        original_list = models.EC2ContainerServiceBackend.list_tasks

        def list_tasks(backend, *args, **kwargs):
            tasks = original_list(backend, *args, **kwargs)
            name = kwargs.get("service_name")
            return [t for t in tasks if not name or t.group == "service:" + name]

        models.EC2ContainerServiceBackend.list_tasks = list_tasks

    def new_deployment(self, service):
        from moto.moto_api._internal import mock_random

        for deployment in service.deployments:
            if deployment["status"] == "PRIMARY":
                deployment["status"] = "ACTIVE"
        deployment_id = "ecs-svc/%d" % mock_random.randint(0, 32**12)
        service.deployments.insert(0, {
            "id": deployment_id, "status": "PRIMARY", "taskDefinition": service.task_definition,
            "desiredCount": service.desired_count, "pendingCount": service.desired_count,
            "runningCount": 0, "failedTasks": 0, "createdAt": now(), "updatedAt": now(),
            "launchType": service.launch_type, "platformVersion": service.platform_version,
            "platformFamily": "FARGATE", "networkConfiguration": service.network_configuration,
            "rolloutState": "IN_PROGRESS",
            "rolloutStateReason": "ECS deployment %s in progress." % deployment_id,
        })
        service.running_count = sum(d.get("runningCount", 0) for d in service.deployments)
        service.pending_count = service.desired_count

    # ---------------------------------------------------------- the loop

    def run(self):
        while True:
            try:
                self.reconcile()
            except Exception as error:  # keep the account up; say why
                self.log("ecs stand-in: %r" % (error,))
            time.sleep(TICK_S)

    def reconcile(self):
        with self.lock:
            work = []
            for service in list(self.backend().services.values()):
                for deployment in service.deployments:
                    if (deployment["status"] == "PRIMARY" and deployment.get("rolloutState") == "IN_PROGRESS"
                            and time.time() >= self.retry_at.get(deployment["id"], 0)):
                        work.append((service, deployment))
        for service, deployment in work:
            self.roll_out(service, deployment)

    def roll_out(self, service, deployment):
        backend = self.backend()
        task_definition = backend.describe_task_definition(deployment["taskDefinition"])
        wanted = int(deployment["desiredCount"])
        started = []
        try:
            for _ in range(wanted):
                started.append(self.start_task(service, deployment, task_definition))
        except TaskStartFailed as error:
            for task in started:
                self.stop_task(task, "the deployment's other task could not start")
            self.note_failure(service, deployment, str(error), error.pull_failed)
            return
        deadline = time.time() + HEALTHY_WITHIN_S
        if not all(healthy(self.running[t.task_arn]["port"], deadline) for t in started):
            for task in started:
                self.stop_task(task, "Task failed ELB health checks")
            self.note_failure(service, deployment, "a task failed its health check (GET /health)", False)
            return
        with self.lock:
            if deployment["status"] != "PRIMARY":  # another UpdateService came meanwhile
                superseded = True
            else:
                superseded = False
                for task in started:
                    task.containers[0].health_status = "HEALTHY"
        if superseded:
            for task in started:
                self.stop_task(task, "Superseded by a newer deployment")
            return
        # As ECS: the old tasks are desired STOPPED as soon as they start to
        # drain (list-tasks --desired-status RUNNING no longer shows them), and
        # the rollout is COMPLETED once they have stopped. Marking it COMPLETED
        # first let an audit right after the deploy see an old task RUNNING.
        with self.lock:
            old = [d["id"] for d in service.deployments if d is not deployment]
            draining = [task for task_arn, task in self.tasks_of(service).items()
                        if self.running.get(task_arn, {}).get("deployment") in old]
            for task in draining:
                task.desired_status = "STOPPED"
        for task in draining:
            self.stop_task(task, "Scaling activity initiated by deployment %s" % deployment["id"])
        with self.lock:
            deployment.update(runningCount=wanted, pendingCount=0, updatedAt=now(), rolloutState="COMPLETED",
                              rolloutStateReason="ECS deployment %s completed." % deployment["id"])
            service.deployments[:] = [deployment]
            service.running_count, service.pending_count = wanted, 0
        self.event(service, "(service %s) has reached a steady state." % service.name)

    def note_failure(self, service, deployment, reason, pull_failed):
        self.event(service, "(service %s) was unable to start a task: %s" % (service.name, reason))
        if pull_failed:
            self.retry_at[deployment["id"]] = time.time() + PULL_RETRY_S
            return
        count = self.failures.get(deployment["id"], 0) + 1
        self.failures[deployment["id"]] = count
        with self.lock:
            deployment.update(failedTasks=count, updatedAt=now())
            if count < FAILURE_THRESHOLD:
                return
            deployment.update(rolloutState="FAILED", status="ACTIVE",
                              rolloutStateReason="ECS deployment circuit breaker: tasks failed to start.")
            previous = [d for d in service.deployments if d is not deployment]
            if previous:
                previous[0].update(status="PRIMARY", updatedAt=now())
                service.task_definition = previous[0]["taskDefinition"]
                service.deployments[:] = [previous[0], deployment]
        self.event(service, "(service %s) deployment %s failed: rolling back" % (service.name, deployment["id"]))

    # ------------------------------------------------------------- tasks

    def tasks_of(self, service):
        return {arn: t for arn, t in self.backend().tasks.get(service.cluster_name, {}).items()
                if t.group == "service:" + service.name}

    def free_slot(self):
        used = {r["slot"] for r in self.running.values()}
        for slot, port in enumerate(self.slot_ports):
            if slot not in used:
                return slot, port
        raise TaskStartFailed("no free slot (more tasks than the rehearsal's %d slots)"
                              % len(self.slot_ports), False)

    def start_task(self, service, deployment, task_definition):
        from moto.ecs.models import Task

        container = task_definition.container_definitions[0]
        image = container.get("image", "")
        repository, _, digest = image.partition("@")
        if not digest.startswith("sha256:"):
            raise TaskStartFailed("image %r is not pinned by digest" % image, False)
        local_ref = "%s/%s@%s" % (self.registry, repository.split("/", 1)[-1], digest)
        slot, port = self.free_slot()
        env = {e["name"]: e["value"] for e in container.get("environment", [])}
        command = [self.runner, "start", "--slot", "%s-%d" % (service.name, slot), "--image", local_ref,
                   "--port", str(port)]
        for name, value in sorted(env.items()):
            command += ["--env", "%s=%s" % (name, value)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            message = (result.stderr.strip().splitlines() or ["exit %d" % result.returncode])[-1]
            raise TaskStartFailed("CannotPullContainerError: %s" % message if result.returncode == 3 else message,
                                  result.returncode == 3)
        started = json.loads(result.stdout)
        backend = self.backend()
        with self.lock:
            task = Task(backend.clusters[service.cluster_name], task_definition, None, None, backend,
                        group="service:" + service.name, launch_type="FARGATE",
                        started_by=deployment["id"], networking_configuration=service.network_configuration,
                        platform_version="LATEST")
            task.advance = lambda: None  # stays RUNNING until we stop it
            task.containers[0].last_status = "RUNNING"
            task.containers[0].health_status = "UNKNOWN"
            task.containers[0].image_digest = started["image_digest"]
            task.last_status = "RUNNING"
            backend.tasks.setdefault(service.cluster_name, {})[task.task_arn] = task
            self.running[task.task_arn] = {"slot": slot, "port": port, "deployment": deployment["id"],
                                           "name": "%s-%d" % (service.name, slot)}
        return task

    def stop_task(self, task, reason):
        info = self.running.get(task.task_arn)
        if info:
            subprocess.run([self.runner, "stop", "--slot", info["name"]], capture_output=True, timeout=60)
        with self.lock:
            self.running.pop(task.task_arn, None)
            self.backend().tasks.get(task.cluster_name, {}).pop(task.task_arn, None)
            task.stopped_reason = reason

    def event(self, service, message):
        from moto.moto_api._internal import mock_random
        service.events.insert(0, {"id": str(mock_random.uuid4()), "createdAt": now(), "message": message})
        self.log("ecs: " + message)
