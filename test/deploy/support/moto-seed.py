"""Seeds moto with what a user's account holds before the first deploy of an AWS stack.

Run by moto-account.ts with the venv's Python: boto3 is there already, as moto's own
dependency. The request (JSON, argv[1]) says what to create; the ids moto chose are printed as
JSON on stdout. The endpoint and the test keys come from the environment (AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
"""
import ipaddress
import json
import sys

import boto3


def main() -> None:
    req = json.loads(sys.argv[1])
    region = req["region"]
    ec2 = boto3.client("ec2", region_name=region)

    # the VPC and one private subnet per Availability Zone (EFS allows one mount target per zone)
    vpc = ec2.create_vpc(CidrBlock=req["vpcCidr"])["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    subnet_cidrs = ipaddress.ip_network(req["vpcCidr"]).subnets(new_prefix=24)
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=str(next(subnet_cidrs)), AvailabilityZone=zones[i % len(zones)])["Subnet"]["SubnetId"]
        for i in range(req["subnetCount"])
    ]
    # the services' security group, the one the stack lets send OTLP
    services_sg = ec2.create_security_group(GroupName=req["servicesSecurityGroupName"], Description="the services that send OTLP", VpcId=vpc)["GroupId"]

    acm = boto3.client("acm", region_name=region)
    certificate = acm.request_certificate(DomainName=req["certificateDomain"], ValidationMethod="DNS")["CertificateArn"]
    status = acm.describe_certificate(CertificateArn=certificate)["Certificate"]["Status"]
    if status != "ISSUED":
        raise SystemExit(f"certificate {certificate} is {status}, not ISSUED (MOTO_ACM_VALIDATION_WAIT=0 expected)")

    # the state bucket: the S3 backend needs it before `terraform init`
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=req["stateBucket"], CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_versioning(Bucket=req["stateBucket"], VersioningConfiguration={"Status": "Enabled"})

    secretsmanager = boto3.client("secretsmanager", region_name=region)
    secrets = {
        key: secretsmanager.create_secret(Name=name, SecretString=f"seeded value of {name}")["ARN"]
        for key, name in req["secrets"].items()
    }

    kms_key = None
    if req["kmsKey"]:
        kms_key = boto3.client("kms", region_name=region).create_key(Description="the traces buckets' key")["KeyMetadata"]["Arn"]

    json.dump(
        {
            "vpcId": vpc,
            "privateSubnetIds": subnets,
            "servicesSecurityGroupId": services_sg,
            "certificateArn": certificate,
            "stateBucket": req["stateBucket"],
            "secretArns": secrets,
            "kmsKeyArn": kms_key,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
