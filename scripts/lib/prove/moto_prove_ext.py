"""moto_server for `npm run prove`: scripts/lib/moto_server_ext.py plus what driving the real
Serverless Framework CLI through its whole lifecycle needs (nothing here decides allow or deny;
moto is the CloudFormation engine and the API the CLI talks to, iam-simulate is the oracle).

    python3 scripts/lib/prove/moto_prove_ext.py -H 127.0.0.1 -p PORT

Loads scripts/lib/moto_server_ext.py (all of its patches apply), then adds, for moto 5.2.1:
  * Custom resources (Custom::S3, Custom::ApiGatewayAccountRole, ...) complete at once with an
    empty Data map. [moto runs the ServiceToken Lambda in Docker; moto_server_ext.py's node
    emulation cannot take the framework handlers' https ResponseURL answer] The custom-resource
    Lambda acts with its OWN execution role, never the caller's, so no call of the caller is lost;
    CloudFormation's lambda:InvokeFunction on it is derived by the proof.
  * Lambda Invoke returns {"emulated":true} without running the code, and writes one log stream
    as the runtime would (so `sls logs` finds it). [needs Docker] The caller's request (and so its
    lambda:InvokeFunction authorization) is unchanged.
  * DeleteChangeSet of a change set that does not exist succeeds, as the framework expects of AWS
    (it deletes <stack>-change-set before each change-set deploy, also after a direct create).
    [moto: HTTP 500, UnboundLocalError]
  * AWS::Kinesis::StreamConsumer as a CloudFormation type (Ref = the consumer ARN), and event source
    mappings whose source is a consumer ARN (enhanced fan-out). [type unknown: Ref -> None, so the
    mapping failed with "Missing EventSourceArn"]
  * A layer version named by ARN that moto does not hold (an external layer such as
    arn:aws:lambda:...:layer:external-layer:3) is taken as existing. [UpdateFunctionConfiguration
    raised ResourceNotFoundException, failing every stack update of such a function]
  * Names CloudFormation generates follow AWS's (empirical) rule of
    test/fixtures/recorded/README.md "Generated names": S3 buckets at most 63 characters,
    lower case, the stack part cut to 24 characters; IAM roles and EventBridge rules at most 64.
    [moto keeps the whole logical id and cuts only the stack name, and never cuts role names]
  * Stack outputs that cannot be evaluated (GetAtt of a type moto does not model, such as
    AWS::Lambda::Url) are left out instead of failing DescribeStacks with a ValidationError.
"""
import importlib.util
import json
import os
import random
import string
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generated_names import aws_generated  # noqa: E402
BASE = os.path.normpath(os.path.join(HERE, "..", "moto_server_ext.py"))
_spec = importlib.util.spec_from_file_location("moto_server_ext", BASE)
assert _spec and _spec.loader, BASE
base = importlib.util.module_from_spec(_spec)
sys.modules["moto_server_ext"] = base
_spec.loader.exec_module(base)

from moto.awslambda import models as lambda_models  # noqa: E402
from moto.cloudformation import custom_model  # noqa: E402
from moto.cloudformation import models as cfn_models  # noqa: E402
from moto.cloudformation import parsing  # noqa: E402


# --- custom resources ----------------------------------------------------------------------
# moto_server_ext.py can run a Custom:: resource's own Lambda code with node (no Docker), but the
# framework's custom-resource handlers answer their ResponseURL over https only, which that
# emulation cannot serve (ECONNREFUSED 127.0.0.1:443, the resource fails). So here they complete
# at once, with an empty Data map, unless PROVE_CUSTOM_RESOURCES=run asks for the node emulation.
if os.environ.get("PROVE_CUSTOM_RESOURCES") != "run":
    def _custom_create(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str,
                       region_name: str, **kwargs: Any) -> Any:
        resource = custom_model.CustomModel(region_name, "emulated", kwargs.get("LogicalId", resource_name), resource_name)
        resource.set_data({})
        return resource

    def _custom_update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: dict,
                       account_id: str, region_name: str) -> Any:
        return original_resource

    def _custom_delete(cls: Any, resource_name: str, cloudformation_json: dict, account_id: str, region_name: str) -> None:
        return None

    custom_model.CustomModel.create_from_cloudformation_json = classmethod(_custom_create)
    custom_model.CustomModel.update_from_cloudformation_json = classmethod(_custom_update)
    custom_model.CustomModel.delete_from_cloudformation_json = classmethod(_custom_delete)


# --- Lambda Invoke without Docker ---------------------------------------------------------
def _invoke(self: Any, body: str, request_headers: Any, response_headers: Any) -> bytes:
    # what the runtime would write to the function's log group (`sls logs` reads it back)
    self.logs_backend.ensure_log_group(self.logs_group_name)
    self.save_logs(f"START emulated invocation of {self.function_name}\nEND")
    return json.dumps({"emulated": True, "function": self.function_name}).encode("utf-8")


lambda_models.LambdaFunction.invoke = _invoke


# --- DeleteChangeSet of a change set that does not exist: a no-op -------------------------
_orig_delete_change_set = cfn_models.CloudFormationBackend.delete_change_set


def _delete_change_set(self: Any, change_set_name: str) -> None:
    known = change_set_name in self.change_sets or any(cs.change_set_name == change_set_name for cs in self.change_sets.values())
    if known:
        _orig_delete_change_set(self, change_set_name)


cfn_models.CloudFormationBackend.delete_change_set = _delete_change_set


# --- layers named by ARN that moto does not hold ------------------------------------------
def _get_layers_data(self: Any, layers_versions_arns: list) -> list:
    backend = lambda_models.lambda_backends[self.account_id][self.region]
    out = []
    for arn in layers_versions_arns:
        lv = backend.layers_versions_by_arn(arn)
        out.append({"Arn": lv.arn, "CodeSize": lv.code_size} if lv else {"Arn": arn, "CodeSize": 0})
    return out


lambda_models.LambdaFunction._get_layers_data = _get_layers_data


# --- AWS::Kinesis::StreamConsumer, and event source mappings on a consumer ---------------
from moto.core.common_models import CloudFormationModel  # noqa: E402
from moto.kinesis.models import kinesis_backends  # noqa: E402


class CfnStreamConsumer(CloudFormationModel):
    # moto derives the service from the module path (moto.<service>.x)
    __module__ = "moto.kinesis.cfn_consumer_ext"

    def __init__(self, consumer: Any, account_id: str, region_name: str):
        self.consumer, self.account_id, self.region_name = consumer, account_id, region_name

    @staticmethod
    def cloudformation_name_type() -> str:
        return "ConsumerName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Kinesis::StreamConsumer"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("ConsumerARN", "ConsumerName", "ConsumerStatus", "StreamARN", "ConsumerCreationTimestamp")

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        return {
            "ConsumerARN": self.consumer.consumer_arn, "ConsumerName": self.consumer.consumer_name,
            "ConsumerStatus": "ACTIVE", "StreamARN": self.consumer.stream_arn,
            "ConsumerCreationTimestamp": str(self.consumer.created),
        }[attribute_name]

    @property
    def physical_resource_id(self) -> str:
        return self.consumer.consumer_arn  # Ref returns the consumer's ARN

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict, account_id: str,
                                        region_name: str, **kwargs: Any) -> "CfnStreamConsumer":
        props = cloudformation_json.get("Properties", {})
        backend = kinesis_backends[account_id][region_name]
        return cls(backend.register_stream_consumer(props["StreamARN"], props["ConsumerName"]), account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict, account_id: str,
                                        region_name: str) -> None:
        kinesis_backends[account_id][region_name].deregister_stream_consumer(None, None, resource_name)

    def is_created(self) -> bool:
        return True


_orig_create_esm = lambda_models.LambdaBackend.create_event_source_mapping


def _create_event_source_mapping(self: Any, spec: dict) -> Any:
    arn = spec.get("EventSourceArn") or ""
    if "/consumer/" in arn:
        stream_arn = arn.split("/consumer/")[0]
        stream = next((s for s in kinesis_backends[self.account_id][self.region_name].streams.values() if s.arn == stream_arn), None)
        if stream is not None:
            func = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec.get("FunctionName", ""))
            spec.update({"RegionName": self.region_name, "AccountId": self.account_id, "FunctionArn": func.function_arn})
            esm = lambda_models.EventSourceMapping(spec)
            self._event_source_mappings[esm.uuid] = esm
            stream.lambda_event_source_mappings[esm.event_source_arn] = esm
            return esm
    return _orig_create_esm(self, spec)


lambda_models.LambdaBackend.create_event_source_mapping = _create_event_source_mapping


# --- generated names as AWS makes them --------------------------------------------------
def _suffix(chars: str, size: int = 12) -> str:
    return "".join(random.choice(chars) for _ in range(size))


_orig_generate = parsing.generate_resource_name


def _generate_resource_name(resource_type: str, stack_name: str, logical_id: str) -> str:
    if resource_type == "AWS::S3::Bucket":
        return aws_generated(stack_name, logical_id, 63, _suffix(string.ascii_lowercase + string.digits)).lower()
    if resource_type in ("AWS::IAM::Role", "AWS::Events::Rule"):
        return aws_generated(stack_name, logical_id, 64, _suffix(string.ascii_uppercase + string.digits))
    return _orig_generate(resource_type, stack_name, logical_id)


parsing.generate_resource_name = _generate_resource_name


# --- outputs that cannot be evaluated are left out ---------------------------------------
def _evaluable(output_map: Any, key: str) -> bool:
    try:
        return output_map[key] is not None
    except Exception:  # e.g. ValidationError: GetAtt of an unmodelled resource
        return False


def _exports(self: Any) -> list:
    # as moto_server_ext.py's, minus the outputs that cannot be evaluated
    return [parsing.Export(self._stack_id, parsing.clean_json(self._output_json_map[key]["Export"].get("Name"),
                                                              self._resource_map), self[key].value)
            for key in self.outputs if self._output_json_map[key].get("Export") and _evaluable(self, key)]


def _outputs(self: Any) -> Any:
    if self.status.startswith(("ROLLBACK", "DELETE")):
        return None
    output_map = self.output_map
    keys = [k for k in output_map.outputs if _evaluable(output_map, k)]
    exports = {e.name: e for e in self.exports}
    names = {}
    for key in keys:
        if output_map._output_json_map[key].get("Export"):
            try:
                names[key] = parsing.clean_json(output_map._output_json_map[key]["Export"].get("Name"), self.resource_map)
            except Exception:
                pass
    outputs = [{"OutputKey": o.key, "OutputValue": o.value, "Description": o.description,
                "ExportName": names.get(o.key) if names.get(o.key) in exports else None}
               for o in (output_map[k] for k in keys) if o]
    return outputs or None


parsing.OutputMap.exports = property(_exports)
cfn_models.Stack.outputs = property(_outputs)

if __name__ == "__main__":
    from moto.server import main

    base._exit_with_parent()
    main(sys.argv[1:])
