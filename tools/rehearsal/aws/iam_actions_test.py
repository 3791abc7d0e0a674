"""The action names the emulated accounts authorize, as AWS names them.

An emulated account (emulated_account.py, moto's server with its patches)
on a free port; its administrator makes a bucket, a REST API and a user
whose only policy is what the drift role has for these two services:
apigateway:GET and s3:ListBucket. As that user:
  - API Gateway reads (GetRestApis, GetRestApi: apigateway:GET in AWS,
    apigateway:GetRestApi... in moto unpatched) are allowed; a create (POST)
    and an update (PATCH) are AccessDenied;
  - HeadBucket (s3:ListBucket in AWS, s3:HeadBucket in moto unpatched) and
    the listing are allowed; PutObject is AccessDenied.

Usage: iam_actions_test.py   (run by //tools/rehearsal:iam_actions_test)
"""

import configparser
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT, REGION = "111111111111", "eu-west-1"
READER_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "apigateway:GET", "Resource": "arn:aws:apigateway:%s::/restapis/*" % REGION},
    {"Effect": "Allow", "Action": "apigateway:GET", "Resource": "arn:aws:apigateway:%s::/restapis" % REGION},
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::drift-*"},
]}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ActionNames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import boto3
        from botocore.config import Config

        cls.dir = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        port = free_port()
        cls.log = open(os.path.join(cls.dir, "account.log"), "w")
        cls.server = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "emulated_account.py"), "--account-id", ACCOUNT,
             "--port", str(port), "--state-dir", cls.dir, "--region", REGION],
            stdout=cls.log, stderr=subprocess.STDOUT)
        endpoint = "http://127.0.0.1:%d" % port
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise RuntimeError("the emulated account did not start; see %s" % cls.log.name)
                time.sleep(0.2)
        admin = configparser.ConfigParser()
        admin.read(os.path.join(cls.dir, "admin.credentials"))
        config = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})

        def client(service, key, secret):
            return boto3.client(service, endpoint_url=endpoint, region_name=REGION, config=config,
                                aws_access_key_id=key, aws_secret_access_key=secret)

        as_admin = lambda s: client(s, admin["default"]["aws_access_key_id"],  # noqa: E731
                                    admin["default"]["aws_secret_access_key"])
        iam = as_admin("iam")
        iam.create_user(UserName="reader")
        iam.put_user_policy(UserName="reader", PolicyName="reads", PolicyDocument=json.dumps(READER_POLICY))
        key = iam.create_access_key(UserName="reader")["AccessKey"]
        as_admin("s3").create_bucket(Bucket="drift-state", CreateBucketConfiguration={"LocationConstraint": REGION})
        cls.api_id = as_admin("apigateway").create_rest_api(name="api")["id"]
        cls.apigateway = client("apigateway", key["AccessKeyId"], key["SecretAccessKey"])
        cls.s3 = client("s3", key["AccessKeyId"], key["SecretAccessKey"])

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=15)
        cls.log.close()

    def denied(self, call, *args, **kwargs):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        self.assertIn("AccessDenied", caught.exception.response["Error"]["Code"] + str(caught.exception))

    def test_api_gateway_reads_are_its_get(self):
        self.assertEqual(self.apigateway.get_rest_api(restApiId=self.api_id)["name"], "api")
        self.assertIn(self.api_id, [a["id"] for a in self.apigateway.get_rest_apis()["items"]])

    def test_api_gateway_writes_are_their_method_and_refused(self):
        self.denied(self.apigateway.create_rest_api, name="another")
        self.denied(self.apigateway.update_rest_api, restApiId=self.api_id,
                    patchOperations=[{"op": "replace", "path": "/name", "value": "renamed"}])

    def test_head_bucket_is_list_bucket(self):
        self.s3.head_bucket(Bucket="drift-state")
        self.assertEqual(self.s3.list_objects_v2(Bucket="drift-state").get("KeyCount"), 0)

    def test_a_write_to_the_bucket_is_refused(self):
        self.denied(self.s3.put_object, Bucket="drift-state", Key="probe", Body=b"x")


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(HERE, "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
