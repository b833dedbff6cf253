namespace KubeGen.Client.Tests;
